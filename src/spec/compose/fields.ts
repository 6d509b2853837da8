/**
 * Field-level schemas of the compose subset Faultline runs itself (there is no docker compose
 * binary on the machines). Anything outside it is rejected by name rather than ignored: a silently
 * dropped `privileged` or `network_mode` would make the stack under test differ from the one the
 * author wrote. `parse.ts` reuses these on raw data to check cross-references, so they are exported.
 */
import { z } from 'zod';

/** An unknown key's message lists the keys allowed there, so the author sees what to write instead. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const supported = Object.keys(shape).join(', ');
  return z.strictObject(shape, { error: (i) => (i.code === 'unrecognized_keys' ? `supported: ${supported}` : undefined) });
}
type Ctx = { addIssue: (i: { code: 'custom'; message: string }) => void };
/** Lets a transform report a problem and still type-check as returning its output type. */
function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

export interface PortBinding { hostIp: '127.0.0.1'; hostPort?: number; containerPort: number; protocol: 'tcp' | 'udp' }
export interface Mount { type: 'volume' | 'bind'; source: string; target: string; readOnly: boolean }
export type DependsCondition = 'service_started' | 'service_healthy';

const SHAPES = '"4222", "14222:4222", "127.0.0.1:14222:4222" or "127.0.0.1::4222"';
export function parsePort(s: string): PortBinding | string {
  const [spec, protocol = 'tcp', ...extra] = s.split('/');
  if (extra.length > 0 || (protocol !== 'tcp' && protocol !== 'udp')) return `bad protocol in "${s}" (tcp or udp)`;
  const parts = spec.split(':');
  if (parts.length > 3) return `unsupported port "${s}"; expected ${SHAPES}`;
  const [ip, host, container] = parts.length === 3 ? parts : ['127.0.0.1', ...(parts.length === 2 ? parts : ['', spec])];
  if (ip !== '127.0.0.1') return `host IP "${ip}" in "${s}" is not allowed: ports are published on 127.0.0.1 only`;
  const num = (p: string) => (/^\d+$/.test(p) && +p >= 1 && +p <= 65535 ? +p : undefined);
  const containerPort = num(container);
  if (containerPort === undefined || (host !== '' && num(host) === undefined)) {
    return `invalid port "${s}"${s.includes('-') ? ' (port ranges are not supported)' : ''}; expected ${SHAPES}`;
  }
  return { hostIp: '127.0.0.1', hostPort: host === '' ? undefined : +host, containerPort, protocol };
}

export const Port = z.union([z.string(), z.number().int()]).transform((v, ctx) => {
  const p = parsePort(String(v));
  return typeof p === 'string' ? fail(ctx, p) : p;
});

/** Compose splits a string command like a POSIX shell would, without running one. */
function shellSplit(s: string): string[] | undefined {
  const out: string[] = [];
  let cur: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (c === '\\' && i + 1 < s.length && (!quote || '"\\$`'.includes(s[i + 1]))) cur = (cur ?? '') + s[++i];
    else if (quote === '"') {
      if (c === '"') quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") [quote, cur] = [c, cur ?? ''];
    else if (/\s/.test(c)) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== undefined) out.push(cur);
  return quote ? undefined : out;
}
export const Command = z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
  const argv = typeof v === 'string' ? shellSplit(v) : v;
  return argv ?? fail(ctx, `unterminated quote in "${v}"`);
});

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export const keyValues = (what: string, needValue: boolean) =>
  z.union([z.record(z.string(), Scalar.nullable()), z.array(z.string())]).transform((v, ctx) => {
    const pairs: Array<[string, string | number | boolean | null]> = Array.isArray(v)
      ? v.map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, null]))
      : Object.entries(v);
    const out: Record<string, string> = {};
    for (const [k, val] of pairs) {
      if (val === null && needValue) fail(ctx, `${what} "${k}" has no value; the host environment is not passed into stacks`);
      out[k] = val === null ? '' : String(val);
    }
    return out;
  });
export const Labels = keyValues('label', false);

/** Go duration syntax (`1s`, `1m30s`, `500ms`), as compose writes healthcheck timings; out in ms. */
const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
const GoDuration = z.string().transform((s, ctx) => {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return fail(ctx, `expected a duration like "1s", "1m30s" or "500ms", got "${s}"`);
  return [...s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)].reduce((ms, m) => ms + Number(m[1]) * GO_UNITS[m[2]], 0);
});

const HealthTest = z
  .union([z.string(), z.array(z.string()).min(1)])
  .transform((t) => (typeof t === 'string' ? ['CMD-SHELL', t] : t))
  .refine((t) => ['CMD', 'CMD-SHELL', 'NONE'].includes(t[0]), 'test must be a string or a list starting with "CMD", "CMD-SHELL" or "NONE"');
export const Healthcheck = strict({
  test: HealthTest.optional(),
  interval: GoDuration.optional(),
  timeout: GoDuration.optional(),
  retries: z.number().int().nonnegative().optional(),
  start_period: GoDuration.optional(),
  disable: z.boolean().optional(),
}).transform(({ disable, start_period, test, ...h }) => {
  const disabled = disable === true || test?.[0] === 'NONE';
  // Without `test` the image's own healthcheck command stays, with these timings.
  return { ...h, startPeriodMs: start_period, test: disabled ? ['NONE'] : test, disabled };
});

export const VolumeRef = z.string().transform((s, ctx): Mount => {
  const [source, target, mode = 'rw', ...extra] = s.split(':');
  if (target === undefined) return fail(ctx, `anonymous volume "${s}" is not supported; name it ("data:${s}")`);
  const flags = mode.split(',');
  if (flags.some((f) => f === 'z' || f === 'Z')) return fail(ctx, `"${s}": SELinux relabelling (z, Z) changes the labels of the host's files and is not supported`);
  // cached, delegated and consistent change nothing on Linux, as with compose.
  const known = ['ro', 'rw', 'cached', 'delegated', 'consistent'];
  if (extra.length > 0 || !flags.every((f) => known.includes(f)) || (flags.includes('ro') && flags.includes('rw'))) {
    return fail(ctx, `unsupported volume "${s}"; expected "name:/path" or "./dir:/path[:ro]"`);
  }
  if (!target.startsWith('/')) return fail(ctx, `volume target "${target}" must be an absolute path`);
  if (source.startsWith('~')) return fail(ctx, `"~" paths are not supported in "${s}"; use a path relative to the compose file`);
  const bind = source.startsWith('.') || source.startsWith('/');
  return { type: bind ? 'bind' : 'volume', source, target, readOnly: flags.includes('ro') };
});

export const DependsOn = z
  .union([z.array(z.string()), z.record(z.string(), strict({ condition: z.enum(['service_started', 'service_healthy']).optional() }))])
  .transform((v): Record<string, DependsCondition> =>
    Array.isArray(v)
      ? Object.fromEntries(v.map((s) => [s, 'service_started' as const]))
      : Object.fromEntries(Object.entries(v).map(([s, d]) => [s, d.condition ?? 'service_started'])),
  );

/** A service's networks: a list, or a mapping with aliases and static addresses per network. */
export const ServiceNetworks = z
  .union([
    z.array(z.string()),
    z.record(z.string(), strict({ aliases: z.array(z.string()).optional(), ipv4_address: z.ipv4().optional(), ipv6_address: z.ipv6().optional() }).nullable()),
  ])
  .transform((v): Record<string, { aliases: string[]; ipv4Address?: string; ipv6Address?: string }> =>
    Array.isArray(v)
      ? Object.fromEntries(v.map((n) => [n, { aliases: [] }]))
      : Object.fromEntries(Object.entries(v).map(([n, o]) => [n, { aliases: o?.aliases ?? [], ipv4Address: o?.ipv4_address, ipv6Address: o?.ipv6_address }])),
  );
