/**
 * The host ports a stack publishes on 127.0.0.1, read back from Docker alone, so any worker can
 * rebuild a stack's handle and pick up a run. A running container reports its live bindings; a
 * stopped one (killed by a fault, say) reports the ports it is configured with, which stack up
 * pinned, so the handle stays right across restarts.
 *
 * The same reading serves an attached stack (one another compose tool started): its containers are
 * found by the compose labels, and a port bound on every interface (0.0.0.0, compose's default) is
 * reachable on 127.0.0.1 too.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import type { StackHandle } from '../types';
import { COMPOSE_LABELS } from '../docker/labels';
import { projectContainers, serviceOf } from './docker-spec';
import { ignoreGone } from './resources';

const LOOPBACK_REACHABLE = new Set(['127.0.0.1', '0.0.0.0', '']);

export async function stackPorts(docker: Docker, project: string): Promise<StackHandle> {
  return handleOf(docker, project, await projectContainers(docker, project));
}

/**
 * The handle of a compose project that is already up, started by any compose implementation (or by
 * Faultline, e.g. a kept stack). Nothing is created, started or changed; a project with no running
 * container is refused, since there would be nothing to fault and nothing to probe.
 */
export async function attachStack(docker: Docker, project: string): Promise<StackHandle> {
  const containers = await projectContainers(docker, project);
  const how = `docker ps -a --filter label=${COMPOSE_LABELS.project}=${project}`;
  if (containers.length === 0) {
    throw new FaultlineError('StackNotFound', `stack.attach: no compose project "${project}" on this Docker engine (no container is labelled ${COMPOSE_LABELS.project}=${project})`, {
      context: { project },
      hint: 'start it first (docker compose -p NAME up -d, or docker-compose) and check its name with `docker compose ls`',
      retryable: false,
    });
  }
  if (!containers.some((c) => c.State === 'running')) {
    const states = containers.map((c) => `${(c.Names[0] ?? c.Id).replace(/^\//, '')} ${c.State}`).sort();
    throw new FaultlineError('StackNotRunning', `stack.attach: compose project "${project}" has no running container (${states.join(', ')})`, {
      context: { project, containers: states },
      hint: `start it again (docker compose -p ${project} up -d); \`${how}\` shows its containers`,
      retryable: false,
    });
  }
  return { ...(await handleOf(docker, project, containers)), attached: true };
}

async function handleOf(docker: Docker, project: string, containers: Docker.ContainerInfo[]): Promise<StackHandle> {
  const ports: Record<string, number> = {};
  const services = new Set<string>();
  // Replica 1 first: with deploy.replicas, a service's endpoint is its first container's port.
  const number = (c: Docker.ContainerInfo) => Number(c.Labels[COMPOSE_LABELS.number] ?? 1);
  for (const c of [...containers].sort((a, b) => number(b) - number(a))) {
    const service = serviceOf(c);
    if (!service) continue;
    services.add(service);
    const info = await ignoreGone(docker.getContainer(c.Id).inspect());
    if (!info) continue;
    const live = info.State.Running ? info.NetworkSettings.Ports : undefined;
    const bindings = live ?? info.HostConfig.PortBindings ?? {};
    for (const [key, list] of Object.entries(bindings as Docker.PortMap)) {
      const [port, protocol] = key.split('/');
      const host = (list ?? []).find((b) => LOOPBACK_REACHABLE.has(b.HostIp ?? '') && Number(b.HostPort) > 0);
      // Probes speak TCP; a UDP binding only fills a gap.
      if (host && (protocol === 'tcp' || ports[`${service}:${port}`] === undefined)) ports[`${service}:${port}`] = Number(host.HostPort);
    }
  }
  return { project, ports: sortKeys(ports), services: [...services].sort() };
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
