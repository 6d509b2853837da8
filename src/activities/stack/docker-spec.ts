import type Docker from 'dockerode';
import type { ComposeModel, ComposeService } from '../../spec/compose';
import type { StackOwner } from '../types';
import { COMPOSE_LABELS, LABELS } from '../docker/labels';
import { ownerLabels } from './owner';

/**
 * How a compose service becomes Docker objects: names, labels and create options. Every object
 * carries `faultline.project`, which is the only thing teardown, log collection and the janitor
 * look for, so nothing a run created can be left unaccounted for.
 */

export const projectFilter = (project: string): { label: string[] } => ({ label: [`${LABELS.project}=${project}`] });

/**
 * Every container of the project, stopped ones included: those Faultline labelled and those any
 * compose implementation labelled (an attached stack's). For reading only (ports, logs, targets);
 * teardown selects by Faultline's label alone, so it never reaches a stack Faultline did not start.
 */
export async function projectContainers(docker: Docker, project: string): Promise<Docker.ContainerInfo[]> {
  const byId = new Map<string, Docker.ContainerInfo>();
  for (const label of [`${LABELS.project}=${project}`, `${COMPOSE_LABELS.project}=${project}`]) {
    for (const c of await docker.listContainers({ all: true, filters: { label: [label] } })) byId.set(c.Id, c);
  }
  return [...byId.values()];
}

/** The compose service of a container: Faultline's label, else the one compose implementations write. */
export const serviceOf = (c: { Labels: Record<string, string> }): string | undefined => c.Labels[LABELS.service] ?? c.Labels[COMPOSE_LABELS.service];

/**
 * `container_name` is used verbatim, as compose does; it pins the stack to one instance per
 * machine, which is the author's choice. Otherwise `<project>-<service>-1` keeps concurrent runs apart.
 */
export const containerName = (project: string, service: string, svc: ComposeService, number = 1): string =>
  svc.containerName ?? `${project}-${service}-${number}`;
export const networkName = (project: string, network: string): string => `${project}_${network}`;
export const volumeName = (project: string, volume: string): string => `${project}_${volume}`;

function projectLabels(project: string, extra: Record<string, string>, owner: StackOwner | undefined): Record<string, string> {
  return { ...extra, [LABELS.project]: project, 'com.docker.compose.project': project, ...ownerLabels(owner) };
}

export function networkOptions(project: string, name: string, model: ComposeModel, owner?: StackOwner): Docker.NetworkCreateOptions {
  const def = model.networks[name];
  return {
    Name: networkName(project, name),
    Driver: 'bridge',
    Internal: def.internal,
    ...(def.ipam ? { IPAM: { Driver: 'default', Config: def.ipam } } : {}),
    ...(def.enableIPv6 !== undefined ? { EnableIPv6: def.enableIPv6 } : {}),
    ...(Object.keys(def.options).length > 0 ? { Options: def.options } : {}),
    CheckDuplicate: true,
    Labels: projectLabels(project, { ...def.labels, 'com.docker.compose.network': name }, owner),
  };
}

export function volumeOptions(project: string, name: string, model: ComposeModel, owner?: StackOwner): Docker.VolumeCreateOptions {
  return {
    Name: volumeName(project, name),
    Driver: 'local',
    ...(Object.keys(model.volumes[name].options).length > 0 ? { DriverOpts: model.volumes[name].options } : {}),
    Labels: projectLabels(project, { ...model.volumes[name].labels, 'com.docker.compose.volume': name }, owner),
  };
}

export const portKey = (containerPort: number, protocol: string): string => `${containerPort}/${protocol}`;

/** Aliases make the service reachable by its compose name (and hostname) on each of its networks. */
export function endpointConfig(service: string, svc: ComposeService, network: string): Docker.EndpointSettings {
  const aliases = [service, ...(svc.hostname ? [svc.hostname] : []), ...(svc.networks[network] ?? [])];
  const address = svc.addresses[network];
  return { Aliases: [...new Set(aliases)], ...(address ? { IPAMConfig: address } : {}) };
}

const NS_PER_MS = 1_000_000;

function healthcheck(svc: ComposeService): Docker.HealthConfig | undefined {
  const h = svc.healthcheck;
  if (!h) return undefined;
  const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * NS_PER_MS));
  return {
    Test: h.test,
    Interval: ns(h.interval),
    Timeout: ns(h.timeout),
    Retries: h.retries,
    StartPeriod: ns(h.startPeriodMs),
  };
}

/**
 * `networkIds` maps compose networks to Docker ids. `hostPorts` maps `port/proto` to the host port to bind. Ports the compose file leaves ephemeral
 * are pinned by the caller, because Docker hands out a new ephemeral port every time a killed
 * container is started again, and probes would lose the service after each restart fault.
 */
export function containerOptions(
  project: string,
  service: string,
  svc: ComposeService,
  hostPorts: Record<string, number>,
  networkIds: Record<string, string>,
  number = 1,
  owner?: StackOwner,
): Docker.ContainerCreateOptions {
  const first = Object.keys(svc.networks)[0];
  const bindings: Docker.PortMap = {};
  for (const p of svc.ports) {
    const key = portKey(p.containerPort, p.protocol);
    const hostPort = p.hostPort ?? hostPorts[key];
    (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: hostPort === undefined ? '' : String(hostPort) });
  }
  return {
    name: containerName(project, service, svc, number),
    Image: svc.image,
    Cmd: svc.command,
    Entrypoint: svc.entrypoint,
    Env: Object.entries(svc.environment).map(([k, v]) => `${k}=${v}`),
    Hostname: svc.hostname,
    Labels: projectLabels(project, {
      ...svc.labels,
      [LABELS.service]: service,
      'com.docker.compose.service': service,
      'com.docker.compose.container-number': String(number),
    }, owner),
    ExposedPorts: Object.fromEntries([...Object.keys(bindings), ...svc.run.config.exposed].map((k) => [k, {}])),
    Healthcheck: healthcheck(svc),
    ...runConfig(svc),
    HostConfig: {
      ...runHostConfig(svc),
      PortBindings: bindings,
      // Binds (not Mounts) so a missing host folder is created, as compose does.
      Binds: svc.volumes.filter((m) => m.type === 'bind').map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
      Mounts: svc.volumes
        .filter((m) => m.type === 'volume')
        .map((m) => ({ Type: 'volume' as const, Source: volumeName(project, m.source), Target: m.target, ReadOnly: m.readOnly })),
      NetworkMode: networkIds[first],
    },
    // The create call accepts one network; the others are connected before the first start.
    NetworkingConfig: { EndpointsConfig: { [networkIds[first]]: endpointConfig(service, svc, first) } },
  };
}

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The Config fields of the run-shaping compose keys (user, working_dir, stop_signal, ...); absent keys stay Docker's defaults. */
function runConfig(svc: ComposeService): Partial<Docker.ContainerCreateOptions> {
  const { exposed: _exposed, ...config } = svc.run.config;
  return defined(config);
}

/** The HostConfig fields of the run-shaping compose keys (restart, init, resources, capabilities, logging, ...). */
function runHostConfig(svc: ComposeService): Docker.HostConfig {
  return defined(svc.run.host) as Docker.HostConfig;
}
