/**
 * The host ports a stack publishes on 127.0.0.1, read back from Docker alone, so any worker can
 * rebuild a stack's handle and pick up a run. A running container reports its live bindings; a
 * stopped one (killed by a fault, say) reports the ports it is configured with, which stack up
 * pinned, so the handle stays right across restarts.
 */
import type Docker from 'dockerode';
import type { StackHandle } from '../types';
import { LABELS } from '../docker/labels';
import { projectFilter } from './docker-spec';
import { ignoreGone } from './resources';

export async function stackPorts(docker: Docker, project: string): Promise<StackHandle> {
  const containers = await docker.listContainers({ all: true, filters: projectFilter(project) });
  const ports: Record<string, number> = {};
  const services = new Set<string>();
  // Replica 1 first: with deploy.replicas, a service's endpoint is its first container's port.
  const number = (c: Docker.ContainerInfo) => Number(c.Labels['com.docker.compose.container-number'] ?? 1);
  for (const c of [...containers].sort((a, b) => number(b) - number(a))) {
    const service = c.Labels[LABELS.service];
    if (!service) continue;
    services.add(service);
    const info = await ignoreGone(docker.getContainer(c.Id).inspect());
    if (!info) continue;
    const live = info.State.Running ? info.NetworkSettings.Ports : undefined;
    const bindings = live ?? info.HostConfig.PortBindings ?? {};
    for (const [key, list] of Object.entries(bindings as Docker.PortMap)) {
      const [port, protocol] = key.split('/');
      const host = (list ?? []).find((b) => b.HostIp === '127.0.0.1' && Number(b.HostPort) > 0);
      // Probes speak TCP; a UDP binding only fills a gap.
      if (host && (protocol === 'tcp' || ports[`${service}:${port}`] === undefined)) ports[`${service}:${port}`] = Number(host.HostPort);
    }
  }
  return { project, ports: sortKeys(ports), services: [...services].sort() };
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
