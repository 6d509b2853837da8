/**
 * The shape of a whole compose file as Faultline models it: defaults are filled in here so the
 * stack activities never have to guess what an absent key meant. `x-*` extension keys, YAML merge
 * keys and `${VAR}` interpolation are handled before this schema sees the data (see `parse.ts`).
 * Keys that shape how a container runs are normalized to what the Docker API takes
 * (`runtime-fields.ts`); `run` below is handed to the container's create options as it is.
 */
import { z } from 'zod';
import { Command, DependsOn, Healthcheck, Labels, type Mount, ServiceNetworks, keyValues, strict } from './fields';
import { PortEntry, type TmpfsMount, VolumeEntry } from './long-syntax';
import { isSignal } from '../signals';
import { Build } from './build';
import { FileDef, FileRef } from './file-mounts';
import {
  Bytes,
  Cpus,
  Deploy,
  Expose,
  ExtraHosts,
  GoDurationMs,
  KeyValue,
  Logging,
  Platform,
  RestartPolicy,
  SecurityOpt,
  StringOrList,
  Tmpfs,
  Ulimits,
} from './runtime-fields';

const EnvFileEntry = z.union([z.string(), strict({ path: z.string(), required: z.boolean().optional() })]);

const Service = strict({
  image: z.string().min(1).optional(),
  build: Build.optional(),
  command: Command.optional(),
  entrypoint: Command.optional(),
  environment: keyValues('variable', true).optional(),
  env_file: z.union([EnvFileEntry, z.array(EnvFileEntry)]).optional(),
  ports: z.array(PortEntry).optional(),
  expose: Expose.optional(),
  networks: ServiceNetworks.optional(),
  volumes: z.array(VolumeEntry).optional(),
  configs: z.array(FileRef).optional(),
  secrets: z.array(FileRef).optional(),
  tmpfs: Tmpfs.optional(),
  healthcheck: Healthcheck.optional(),
  depends_on: DependsOn.optional(),
  profiles: z.array(z.string().min(1)).optional(),
  labels: Labels.optional(),
  container_name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/).optional(),
  hostname: z.string().min(1).optional(),
  domainname: z.string().optional(),
  restart: RestartPolicy.optional(),
  init: z.boolean().optional(),
  user: z.union([z.string(), z.number().int()]).optional(),
  working_dir: z.string().optional(),
  cap_add: z.array(z.string().min(1)).optional(),
  cap_drop: z.array(z.string().min(1)).optional(),
  security_opt: SecurityOpt.optional(),
  read_only: z.boolean().optional(),
  group_add: z.array(z.union([z.string(), z.number().int()])).optional(),
  ulimits: Ulimits.optional(),
  sysctls: KeyValue.optional(),
  extra_hosts: ExtraHosts.optional(),
  dns: StringOrList.optional(),
  dns_search: StringOrList.optional(),
  dns_opt: z.array(z.string()).optional(),
  // Docker takes a name with or without "SIG", or a number; one the kernel lacks would fail at create.
  stop_signal: z
    .string()
    .refine((v) => isSignal(v) || isSignal(`SIG${v}`), { message: 'expected a Linux signal such as SIGTERM, TERM or 15' })
    .optional(),
  stop_grace_period: GoDurationMs.optional(),
  shm_size: Bytes.optional(),
  mem_limit: Bytes.optional(),
  mem_reservation: Bytes.optional(),
  memswap_limit: Bytes.optional(),
  cpus: Cpus.optional(),
  cpu_shares: z.number().int().optional(),
  cpuset: z.string().optional(),
  pids_limit: z.number().int().optional(),
  oom_score_adj: z.number().int().min(-1000).max(1000).optional(),
  logging: Logging.optional(),
  deploy: Deploy.optional(),
  scale: z.number().int().min(0).optional(),
  tty: z.boolean().optional(),
  stdin_open: z.boolean().optional(),
  platform: Platform.optional(),
  // Change nothing at run time here: the image is local either way (there is no registry).
  pull_policy: z.enum(['never', 'missing', 'if_not_present']).optional(),
}).transform((s, ctx) => {
  if (s.image === undefined && s.build === undefined) ctx.addIssue({ code: 'custom', message: 'needs "image" (a local image) or "build" (a folder with a Dockerfile)' });
  const limits = s.deploy?.resources?.limits;
  const reservations = s.deploy?.resources?.reservations;
  const deployRestart = s.deploy?.restart_policy;
  const cpus = limits?.cpus ?? s.cpus;
  const reservedCpus = reservations?.cpus;
  const restart =
    s.restart ??
    (deployRestart
      ? { Name: { none: '', 'on-failure': 'on-failure', any: 'always' }[deployRestart.condition ?? 'any'], MaximumRetryCount: deployRestart.max_attempts ?? 0 }
      : undefined);
  const networks = s.networks ?? { default: { aliases: [] } };
  return {
    /** With `build` and no `image`, stack up names the image it builds `<project>-<service>` and sets it here. */
    image: s.image ?? '',
    build: s.build,
    command: s.command,
    entrypoint: s.entrypoint,
    environment: s.environment ?? {},
    /** env_file entries in order, read and merged under `environment` by `parse.ts`. */
    envFiles: (s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file]).map((e) =>
      typeof e === 'string' ? { path: e, required: true } : { path: e.path, required: e.required ?? true },
    ),
    ports: s.ports ?? [],
    /** Like compose, a service that names no network joins the project's `default` network. */
    networks: Object.fromEntries(Object.entries(networks).map(([n, o]) => [n, o.aliases])),
    /** Static addresses per network (`ipv4_address`, `ipv6_address`). */
    addresses: Object.fromEntries(
      Object.entries(networks).flatMap(([n, o]) => (o.ipv4Address || o.ipv6Address ? [[n, { IPv4Address: o.ipv4Address, IPv6Address: o.ipv6Address }]] : [])),
    ) as Record<string, { IPv4Address?: string; IPv6Address?: string }>,
    /** Bind mounts and named volumes; `parse.ts` appends the read-only binds of configs and secrets. */
    volumes: (s.volumes ?? []).filter((m): m is Mount => m.type !== 'tmpfs'),
    /** The service's configs and secrets references, turned into binds by `parse.ts`. */
    files: { configs: s.configs ?? [], secrets: s.secrets ?? [] },
    healthcheck: s.healthcheck,
    dependsOn: s.depends_on ?? {},
    profiles: s.profiles ?? [],
    labels: s.labels ?? {},
    containerName: s.container_name,
    hostname: s.hostname,
    /** Containers of this service, `<project>-<service>-1` .. `-N` (deploy.replicas, or scale). */
    replicas: s.deploy?.replicas ?? s.scale ?? 1,
    /** Fields of Docker's create options (Config, then HostConfig) derived from the keys above. */
    run: {
      config: {
        Domainname: s.domainname,
        User: s.user === undefined ? undefined : String(s.user),
        WorkingDir: s.working_dir,
        StopSignal: s.stop_signal,
        // Docker takes whole seconds; compose rounds the same way.
        StopTimeout: s.stop_grace_period === undefined ? undefined : Math.ceil(s.stop_grace_period / 1000),
        Tty: s.tty,
        OpenStdin: s.stdin_open,
        exposed: s.expose ?? [],
      },
      host: {
        RestartPolicy: restart,
        Init: s.init,
        CapAdd: s.cap_add,
        CapDrop: s.cap_drop,
        SecurityOpt: s.security_opt,
        ReadonlyRootfs: s.read_only,
        GroupAdd: s.group_add?.map(String),
        Ulimits: s.ulimits,
        Sysctls: s.sysctls,
        ExtraHosts: s.extra_hosts,
        Dns: s.dns,
        DnsSearch: s.dns_search,
        DnsOptions: s.dns_opt,
        Tmpfs: tmpfsMounts(s.tmpfs, s.volumes),
        ShmSize: s.shm_size,
        Memory: limits?.memory ?? s.mem_limit,
        MemoryReservation: reservations?.memory ?? s.mem_reservation,
        MemorySwap: s.memswap_limit,
        NanoCpus: cpus === undefined ? undefined : Math.round(cpus * 1e9),
        // Docker has no CPU reservation for a container; the relative weight under contention is the closest.
        CpuShares: s.cpu_shares ?? (reservedCpus === undefined ? undefined : Math.max(2, Math.round(reservedCpus * 1024))),
        CpusetCpus: s.cpuset,
        PidsLimit: limits?.pids ?? s.pids_limit,
        OomScoreAdj: s.oom_score_adj,
        LogConfig: s.logging,
      },
    },
  };
});
export type ComposeService = z.output<typeof Service>;

/** The `tmpfs` key and long-syntax `type: tmpfs` volumes, as Docker's path -> options map. */
function tmpfsMounts(short: Record<string, string> | undefined, volumes: Array<Mount | TmpfsMount> | undefined): Record<string, string> | undefined {
  const long = (volumes ?? []).filter((m): m is TmpfsMount => m.type === 'tmpfs');
  if (short === undefined && long.length === 0) return undefined;
  return { ...short, ...Object.fromEntries(long.map((m) => [m.target, m.options])) };
}

const Ipam = strict({
  driver: z.literal('default').optional(),
  config: z.array(strict({ subnet: z.string(), gateway: z.string().optional(), ip_range: z.string().optional() })).optional(),
});
const NetworkDef = strict({
  driver: z.literal('bridge').optional(),
  internal: z.boolean().optional(),
  labels: Labels.optional(),
  ipam: Ipam.optional(),
  enable_ipv6: z.boolean().optional(),
  driver_opts: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  // Changes nothing for a bridge network on one engine.
  attachable: z.boolean().optional(),
}).nullable();

const VolumeDef = strict({
  labels: Labels.optional(),
  driver: z.literal('local', { error: 'only the "local" volume driver (plugins are not part of a stack)' }).optional(),
  driver_opts: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
}).nullable();

/** Top-level keys refused with a reason (the service-level ones are in runtime-fields.ts). */
export const REFUSED_TOP_KEYS: Record<string, string> = {
  include: 'not supported: one compose file per stack',
};

/** The whole file. Cross-references between its parts are checked by `crossReferences` in `parse.ts`. */
export const ComposeModel = strict({
  name: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  services: z.record(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'service names use letters, digits, "_", "." and "-"'), Service),
  networks: z.record(z.string(), NetworkDef).optional(),
  volumes: z.record(z.string(), VolumeDef).optional(),
  configs: z.record(z.string(), FileDef).optional(),
  secrets: z.record(z.string(), FileDef).optional(),
}).transform((f) => {
  const networks = Object.fromEntries(
    Object.entries(f.networks ?? {}).map(([n, d]) => [
      n,
      {
        internal: d?.internal ?? false,
        labels: d?.labels ?? {},
        ipam: d?.ipam?.config?.map((c) => ({ Subnet: c.subnet, Gateway: c.gateway, IPRange: c.ip_range })),
        enableIPv6: d?.enable_ipv6,
        options: Object.fromEntries(Object.entries(d?.driver_opts ?? {}).map(([k, v]) => [k, String(v)])),
      },
    ]),
  );
  const empty = { internal: false, labels: {}, ipam: undefined, enableIPv6: undefined, options: {} };
  if (Object.values(f.services).some((s) => 'default' in s.networks)) networks.default ??= empty;
  const volumes = Object.fromEntries(
    Object.entries(f.volumes ?? {}).map(([n, d]) => [
      n,
      { labels: d?.labels ?? {}, options: Object.fromEntries(Object.entries(d?.driver_opts ?? {}).map(([k, v]) => [k, String(v)])) },
    ]),
  );
  const files = { configs: f.configs ?? {}, secrets: f.secrets ?? {} };
  return { name: f.name, services: f.services, networks, volumes, files, warnings: [] as string[] };
});
export type ComposeModel = z.output<typeof ComposeModel> & { source: string; baseDir: string };
