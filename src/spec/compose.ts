import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { formatPath } from './issues';

/**
 * The compose subset Faultline runs itself (there is no docker compose binary on the machines).
 * Anything outside it is rejected by name rather than ignored: a silently dropped `privileged` or
 * `network_mode` would make the stack under test differ from the one the author wrote.
 * `x-*` extension keys and YAML merge keys are accepted; `${VAR}` interpolation is not performed.
 */
function strict<T extends z.ZodRawShape>(shape: T) {
  const supported = Object.keys(shape).join(', ');
  return z.strictObject(shape, { error: (i) => (i.code === 'unrecognized_keys' ? `supported: ${supported}` : undefined) });
}
type Ctx = { addIssue: (i: { code: 'custom'; message: string }) => void };
function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

export interface PortBinding { hostIp: '127.0.0.1'; hostPort?: number; containerPort: number; protocol: 'tcp' | 'udp' }
export interface Mount { type: 'volume' | 'bind'; source: string; target: string; readOnly: boolean }
export type DependsCondition = 'service_started' | 'service_healthy';

const SHAPES = '"4222", "14222:4222", "127.0.0.1:14222:4222" or "127.0.0.1::4222"';
function parsePort(s: string): PortBinding | string {
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
const Port = z.union([z.string(), z.number().int()]).transform((v, ctx) => {
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
    if (quote === "'") c === "'" ? (quote = undefined) : (cur += c);
    else if (c === '\\' && i + 1 < s.length && (!quote || '"\\$`'.includes(s[i + 1]))) cur = (cur ?? '') + s[++i];
    else if (quote === '"') c === '"' ? (quote = undefined) : (cur += c);
    else if (c === '"' || c === "'") [quote, cur] = [c, cur ?? ''];
    else if (/\s/.test(c)) cur !== undefined && (out.push(cur), (cur = undefined));
    else cur = (cur ?? '') + c;
  }
  if (cur !== undefined) out.push(cur);
  return quote ? undefined : out;
}
const Command = z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
  const argv = typeof v === 'string' ? shellSplit(v) : v;
  return argv ?? fail(ctx, `unterminated quote in "${v}"`);
});

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const keyValues = (what: string, needValue: boolean) =>
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
const Labels = keyValues('label', false);

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
const Healthcheck = strict({
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

const VolumeRef = z.string().transform((s, ctx): Mount => {
  const [source, target, mode = 'rw', ...extra] = s.split(':');
  if (target === undefined) return fail(ctx, `anonymous volume "${s}" is not supported; name it ("data:${s}")`);
  if (extra.length > 0 || (mode !== 'ro' && mode !== 'rw')) return fail(ctx, `unsupported volume "${s}"; expected "name:/path" or "./dir:/path[:ro]"`);
  if (!target.startsWith('/')) return fail(ctx, `volume target "${target}" must be an absolute path`);
  if (source.startsWith('~')) return fail(ctx, `"~" paths are not supported in "${s}"; use a path relative to the compose file`);
  const bind = source.startsWith('.') || source.startsWith('/');
  return { type: bind ? 'bind' : 'volume', source, target, readOnly: mode === 'ro' };
});

const DependsOn = z
  .union([z.array(z.string()), z.record(z.string(), strict({ condition: z.enum(['service_started', 'service_healthy']).optional() }))])
  .transform((v): Record<string, DependsCondition> =>
    Array.isArray(v)
      ? Object.fromEntries(v.map((s) => [s, 'service_started' as const]))
      : Object.fromEntries(Object.entries(v).map(([s, d]) => [s, d.condition ?? 'service_started'])),
  );

const ServiceNetworks = z
  .union([z.array(z.string()), z.record(z.string(), strict({ aliases: z.array(z.string()).optional() }).nullable())])
  .transform((v): Record<string, string[]> =>
    Array.isArray(v) ? Object.fromEntries(v.map((n) => [n, []])) : Object.fromEntries(Object.entries(v).map(([n, o]) => [n, o?.aliases ?? []])),
  );

const Service = strict({
  image: z.string().min(1),
  command: Command.optional(),
  entrypoint: Command.optional(),
  environment: keyValues('variable', true).optional(),
  ports: z.array(Port).optional(),
  networks: ServiceNetworks.optional(),
  volumes: z.array(VolumeRef).optional(),
  healthcheck: Healthcheck.optional(),
  depends_on: DependsOn.optional(),
  profiles: z.array(z.string().min(1)).optional(),
  labels: Labels.optional(),
  container_name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/).optional(),
  hostname: z.string().min(1).optional(),
}).transform((s) => ({
  image: s.image,
  command: s.command,
  entrypoint: s.entrypoint,
  environment: s.environment ?? {},
  ports: s.ports ?? [],
  /** Like compose, a service that names no network joins the project's `default` network. */
  networks: s.networks ?? { default: [] },
  volumes: s.volumes ?? [],
  healthcheck: s.healthcheck,
  dependsOn: s.depends_on ?? {},
  profiles: s.profiles ?? [],
  labels: s.labels ?? {},
  containerName: s.container_name,
  hostname: s.hostname,
}));
export type ComposeService = z.output<typeof Service>;

const NetworkDef = strict({ driver: z.literal('bridge').optional(), internal: z.boolean().optional(), labels: Labels.optional() }).nullable();
const VolumeDef = strict({ labels: Labels.optional() }).nullable();

/** The whole file. Cross-references between its parts are checked by `crossReferences`. */
export const ComposeModel = strict({
  name: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  services: z.record(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'service names use letters, digits, "_", "." and "-"'), Service),
  networks: z.record(z.string(), NetworkDef).optional(),
  volumes: z.record(z.string(), VolumeDef).optional(),
}).transform((f) => {
  const networks = Object.fromEntries(
    Object.entries(f.networks ?? {}).map(([n, d]) => [n, { internal: d?.internal ?? false, labels: d?.labels ?? {} }]),
  );
  if (Object.values(f.services).some((s) => 'default' in s.networks)) networks.default ??= { internal: false, labels: {} };
  const volumes = Object.fromEntries(Object.entries(f.volumes ?? {}).map(([n, d]) => [n, { labels: d?.labels ?? {} }]));
  return { name: f.name, services: f.services, networks, volumes };
});

/**
 * Runs on the raw data, field by field, so a reference problem is reported together with every
 * other problem instead of only once the rest of the service is valid.
 */
function crossReferences(data: Record<string, unknown>): string[] {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const ok = <T>(schema: z.ZodType<T>, v: unknown): T | undefined => (v === undefined ? undefined : schema.safeParse(v).data);
  const services = obj(data.services);
  const networks = obj(data.networks);
  const volumes = obj(data.volumes);
  const problems: string[] = [];
  const names = new Map<string, string>();
  for (const [name, raw] of Object.entries(services).map(([n, s]) => [n, obj(s)] as const)) {
    const at = `services.${name}`;
    for (const n of Object.keys(ok(ServiceNetworks, raw.networks) ?? {})) {
      if (!(n in networks)) problems.push(`${at}.networks.${n}: undefined network "${n}"; declare it under top-level "networks"`);
    }
    (Array.isArray(raw.volumes) ? raw.volumes : []).forEach((v, i) => {
      const m = ok(VolumeRef, v);
      if (m?.type === 'volume' && !(m.source in volumes)) problems.push(`${at}.volumes[${i}]: undefined volume "${m.source}"; declare it under top-level "volumes"`);
    });
    for (const [dep, cond] of Object.entries(ok(DependsOn, raw.depends_on) ?? {})) {
      if (!(dep in services) || dep === name) problems.push(`${at}.depends_on.${dep}: unknown service "${dep}"`);
      else if (cond === 'service_healthy' && ok(Healthcheck, obj(services[dep]).healthcheck)?.disabled) {
        problems.push(`${at}.depends_on.${dep}: condition service_healthy, but "${dep}" has its healthcheck disabled`);
      }
    }
    const cn = raw.container_name;
    if (typeof cn === 'string' && names.has(cn)) problems.push(`${at}.container_name: "${cn}" is also used by ${names.get(cn)}`);
    if (typeof cn === 'string') names.set(cn, name);
  }
  return problems;
}
export type ComposeModel = z.output<typeof ComposeModel> & { source: string; baseDir: string };

/** One line per problem; an unknown key names the keys allowed at that place. */
function composeProblems(issues: z.core.$ZodIssue[], base: PropertyKey[] = []): string[] {
  return issues.flatMap((i): string[] => {
    const path = [...base, ...i.path];
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => `${formatPath([...path, k])}: unsupported compose key "${k}" (${i.message})`);
    }
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const types = i.errors.map((e) => (e.length === 1 && e[0].code === 'invalid_type' && e[0].path.length === 0 ? e[0].expected : undefined));
      if (types.every(Boolean)) return [`${formatPath(path)}: expected ${[...new Set(types)].join(' or ')}`];
      const deepest = [...i.errors].sort((a, b) => Math.max(...b.map((e) => e.path.length)) - Math.max(...a.map((e) => e.path.length)))[0];
      return composeProblems(deepest, path);
    }
    return [`${formatPath(path)}: ${i.message}`];
  });
}

/** Validates compose text; bind sources are resolved against `baseDir` (the compose file's folder). */
export function parseCompose(text: string, source: string, baseDir: string): ComposeModel {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ValidationError(source, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ValidationError(source, ['(root): expected a mapping with "services"']);
  const clean = withoutExtensions(data as Record<string, unknown>);
  const r = ComposeModel.safeParse(clean);
  const problems = [...(r.success ? [] : composeProblems(r.error.issues)), ...crossReferences(clean)];
  if (!r.success || problems.length > 0) throw new ValidationError(source, [...new Set(problems)]);
  for (const s of Object.values(r.data.services)) {
    for (const m of s.volumes) if (m.type === 'bind' && !isAbsolute(m.source)) m.source = resolve(baseDir, m.source);
  }
  return { ...r.data, source, baseDir };
}

/** `x-*` keys hold YAML anchors for reuse; compose ignores them at the top level and in services. */
function withoutExtensions(data: Record<string, unknown>): Record<string, unknown> {
  const strip = (o: unknown) =>
    o && typeof o === 'object' && !Array.isArray(o) ? Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('x-'))) : o;
  const top = strip(data) as Record<string, unknown>;
  const services = top.services;
  if (services && typeof services === 'object' && !Array.isArray(services)) {
    top.services = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, strip(s)]));
  }
  return top;
}

export function loadComposeFile(path: string): ComposeModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValidationError(path, [`cannot read the compose file: ${(e as Error).message}`]);
  }
  return parseCompose(text, path, dirname(resolve(path)));
}

/** Services with no profile, plus those in any of `profiles`, in file order. */
export function selectServices(model: ComposeModel, profiles: string[]): Record<string, ComposeService> {
  const known = [...new Set(Object.values(model.services).flatMap((s) => s.profiles))];
  const problems = profiles
    .filter((p) => !known.includes(p))
    .map((p) => `profiles: unknown profile "${p}"; known profiles: ${known.join(', ') || '(none)'}`);
  const selected = Object.fromEntries(
    Object.entries(model.services).filter(([, s]) => s.profiles.length === 0 || s.profiles.some((p) => profiles.includes(p))),
  );
  for (const [name, s] of Object.entries(selected)) {
    for (const dep of Object.keys(s.dependsOn)) {
      if (!(dep in selected)) problems.push(`services.${name}.depends_on.${dep}: "${dep}" is not selected by profiles [${profiles.join(', ')}]`);
    }
  }
  if (problems.length > 0) throw new ValidationError(model.source, problems);
  return selected;
}

/** Dependencies before dependents, otherwise file order; a cycle is reported with its members. */
export function servicesStartOrder(model: ComposeModel, names: string[] = Object.keys(model.services)): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name].join(' -> ');
      throw new ValidationError(model.source, [`services.${name}.depends_on: dependency cycle ${cycle}`]);
    }
    state.set(name, 'visiting');
    for (const dep of Object.keys(model.services[name]?.dependsOn ?? {})) visit(dep, [...trail, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const n of names) visit(n, []);
  return order;
}
