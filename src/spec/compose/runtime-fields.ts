/**
 * Field schemas for the compose keys that shape how a container runs (restart policy, resources,
 * capabilities, logging, ...), each normalized to what the Docker API takes. The keys that cannot
 * be honoured, or that would hand the container the worker's host, are in `REFUSED` with the
 * reason shown to the author.
 */
import { z } from 'zod';
import { strict } from './fields';

type Ctx = { addIssue: (i: { code: 'custom'; message: string }) => void };
function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** Service keys refused with a reason instead of "unsupported": each would give the container the host, or cannot be honoured here. */
export const REFUSED_SERVICE_KEYS: Record<string, string> = {
  privileged: 'refused: a privileged container has every capability and the host\'s devices, which gives it the worker\'s host',
  devices: 'refused: host devices give the container the hardware of the worker\'s host',
  device_cgroup_rules: 'refused: device access gives the container the hardware of the worker\'s host',
  pid: 'refused: sharing a PID namespace ("host" or another container\'s) lets the container signal processes outside it',
  ipc: 'refused: sharing an IPC namespace lets the container reach memory outside it',
  uts: 'refused: the host UTS namespace is the worker\'s host',
  userns_mode: 'refused: leaving the user namespace gives the container the host\'s users',
  cgroup: 'refused: the host cgroup namespace is the worker\'s host',
  cgroup_parent: 'refused: a container placed in another cgroup escapes the resource accounting of the stack',
  network_mode: 'refused: "host" gives the container the worker\'s network stack, and "service:"/"container:" share another\'s; use networks',
  volumes_from: 'refused: mounts are judged one by one; list the volumes in this service',
  links: 'not supported: links are legacy; services reach each other by name on a shared network (add "aliases" under networks)',
  external_links: 'not supported: a stack reaches only its own containers',
  extends: 'not supported: merge with YAML anchors and "<<" instead',
  runtime: 'refused: another OCI runtime changes the isolation the stack runs under',
  isolation: 'not supported on Linux',
  gpus: 'refused: devices give the container the hardware of the worker\'s host',
  storage_opt: 'not supported: depends on the storage driver of the engine',
  credential_spec: 'not supported: Windows only',
  develop: 'not supported: watch mode is for development, not for a run',
};

export const RestartPolicy = z.string().transform((s, ctx) => {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(s);
  if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) return fail(ctx, `expected "no", "always", "unless-stopped" or "on-failure[:N]", got "${s}"`);
  return { Name: m[1] === 'no' ? '' : m[1], MaximumRetryCount: m[2] === undefined ? 0 : Number(m[2]) };
});
export type RestartPolicy = z.output<typeof RestartPolicy>;

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };
/** Compose byte values: a number of bytes, or "512m", "1g", "64kb". */
export const Bytes = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(v.trim());
  if (!m) return fail(ctx, `expected a size like "512m", "1g" or a number of bytes, got "${v}"`);
  return Math.round(Number(m[1]) * BYTE_UNITS[m[2].toLowerCase()]);
});

export const Cpus = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/, 'expected a number of CPUs like 0.5')]).transform(Number);

/** Go duration syntax as compose writes it (`10s`, `1m30s`); out in ms. */
const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
export const GoDurationMs = z.string().transform((s, ctx) => {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return fail(ctx, `expected a duration like "10s" or "1m30s", got "${s}"`);
  return [...s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)].reduce((ms, m) => ms + Number(m[1]) * GO_UNITS[m[2]], 0);
});

const ULimit = z.union([z.number().int(), strict({ soft: z.number().int(), hard: z.number().int() })]);
export const Ulimits = z.record(z.string().regex(/^[a-z]+$/, 'ulimit names are lower-case, e.g. nofile'), ULimit).transform((u) =>
  Object.entries(u).map(([Name, l]) => (typeof l === 'number' ? { Name, Soft: l, Hard: l } : { Name, Soft: l.soft, Hard: l.hard })),
);

/** `"/run"` or `"/run:size=64m,mode=1777"`, one string or a list; out: path -> options. */
export const Tmpfs = z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
  const out: Record<string, string> = {};
  for (const e of Array.isArray(v) ? v : [v]) {
    const [path, ...opts] = e.split(':');
    if (!path.startsWith('/')) fail(ctx, `tmpfs path "${path}" must be absolute`);
    out[path] = opts.join(':');
  }
  return out;
});

/** `["host:1.2.3.4"]`, `["host=1.2.3.4"]` or `{host: 1.2.3.4}`; out in Docker's "host:ip" form. */
export const ExtraHosts = z.union([z.array(z.string()), z.record(z.string(), z.string())]).transform((v, ctx) => {
  const pairs = Array.isArray(v)
    ? v.map((e) => {
        const i = e.includes('=') ? e.indexOf('=') : e.indexOf(':');
        return i > 0 ? [e.slice(0, i), e.slice(i + 1)] : fail(ctx, `expected "host:ip" or "host=ip", got "${e}"`);
      })
    : Object.entries(v);
  return pairs.map(([h, ip]) => `${h}:${ip}`);
});

export const StringOrList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Mapping or `KEY=VALUE` list (sysctls). */
export const KeyValue = z.union([z.record(z.string(), z.union([z.string(), z.number()])), z.array(z.string())]).transform((v) =>
  Array.isArray(v)
    ? Object.fromEntries(v.map((e) => [e.split('=')[0], e.slice(e.indexOf('=') + 1)]))
    : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])),
);

/** Log drivers whose output stays on this machine; the others ship it from the engine to an endpoint. */
const LOCAL_LOG_DRIVERS = ['json-file', 'local', 'journald', 'none'];
export const Logging = strict({
  driver: z.string().optional(),
  options: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
}).transform((l, ctx) => {
  const driver = l.driver ?? 'json-file';
  if (!LOCAL_LOG_DRIVERS.includes(driver)) {
    return fail(ctx, `log driver "${driver}" is not supported: it sends the logs from the Docker engine to an endpoint; use one of ${LOCAL_LOG_DRIVERS.join(', ')}`);
  }
  return { Type: driver, Config: Object.fromEntries(Object.entries(l.options ?? {}).map(([k, v]) => [k, String(v)])) };
});

/** Options that lower the container's confinement are refused like `privileged`; hardening ones pass. */
export const SecurityOpt = z.array(z.string()).transform((opts, ctx) => {
  for (const o of opts) {
    const [k, v = ''] = o.split(/[=:]/, 2);
    const refused =
      (k === 'seccomp' && `seccomp profiles are refused: "${o}" would change the system calls the container may make`) ||
      (k === 'apparmor' && v === 'unconfined' && `"${o}" removes the container's AppArmor confinement`) ||
      (k === 'label' && v === 'disable' && `"${o}" removes the container's SELinux confinement`) ||
      (k === 'systempaths' && `"${o}" unmasks /proc and /sys paths of the host`) ||
      (!['no-new-privileges', 'apparmor', 'label', 'seccomp', 'systempaths'].includes(k) && `unknown security option "${o}"`);
    if (refused) fail(ctx, `${refused}; allowed: no-new-privileges, apparmor=<profile>, label=<option>`);
  }
  return opts;
});

const Resource = strict({ cpus: Cpus.optional(), memory: Bytes.optional(), pids: z.number().int().optional() });
export const Deploy = strict({
  mode: z.literal('replicated', { error: 'only "replicated" (one engine: "global" means one per node)' }).optional(),
  replicas: z.number().int().min(0).optional(),
  resources: strict({
    limits: Resource.optional(),
    reservations: strict({ cpus: Cpus.optional(), memory: Bytes.optional() }).optional(),
  }).optional(),
  restart_policy: strict({
    condition: z.enum(['none', 'on-failure', 'any']).optional(),
    max_attempts: z.number().int().nonnegative().optional(),
    delay: z.string().optional(),
    window: z.string().optional(),
  }).optional(),
  // Swarm-only: they change nothing on one engine, as with `docker compose up`.
  labels: z.unknown().optional(),
  placement: z.unknown().optional(),
  update_config: z.unknown().optional(),
  rollback_config: z.unknown().optional(),
  endpoint_mode: z.unknown().optional(),
});

export const Expose = z.array(z.union([z.string(), z.number().int()])).transform((v, ctx) =>
  v.map((e) => {
    const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(String(e));
    return m ? `${m[1]}/${m[2] ?? 'tcp'}` : fail(ctx, `expected a port like "8080" or "8080/udp", got "${e}"${String(e).includes('-') ? ' (ranges are not supported)' : ''}`);
  }),
);

/** The host's platform as image manifests name it; a `platform` key must match it (there is no emulation). */
export function hostPlatform(arch: string = process.arch): string {
  return `linux/${arch === 'x64' ? 'amd64' : arch}`;
}
export const Platform = z.string().refine((p) => p === hostPlatform() || p.startsWith(`${hostPlatform()}/`), {
  message: `must match this machine (${hostPlatform()}): there is no emulation`,
});
