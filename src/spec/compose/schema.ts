/**
 * The shape of a whole compose file as Faultline models it: defaults are filled in here so the
 * stack activities never have to guess what an absent key meant. `x-*` extension keys and YAML
 * merge keys are accepted (see `parse.ts`); `${VAR}` interpolation is not performed.
 */
import { z } from 'zod';
import { Command, DependsOn, Healthcheck, Labels, Port, ServiceNetworks, VolumeRef, keyValues, strict } from './fields';

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

/** The whole file. Cross-references between its parts are checked by `crossReferences` in `parse.ts`. */
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
export type ComposeModel = z.output<typeof ComposeModel> & { source: string; baseDir: string };
