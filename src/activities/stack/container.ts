import { createServer, type Server } from 'node:net';
import type Docker from 'dockerode';
import type { ComposeService } from '../../spec/compose';
import { containerName, containerOptions, endpointConfig, portKey } from './docker-spec';
import { statusOf } from '../docker/status';
import { ensureOwned, ignoreGone } from './resources';
import type { StackOwner } from '../types';

/**
 * Creates one service's container, or adopts the one an earlier attempt left, and starts it.
 * Adoption also finishes what that attempt may not have: joining the service's other networks.
 */
export interface ServiceRef {
  project: string;
  service: string;
  svc: ComposeService;
  /** Compose network -> Docker network id, from ensureNetworks. */
  networkIds: Record<string, string>;
  /** Which replica (1..deploy.replicas); 1 when absent. */
  number?: number;
  /** The run that creates the container (its owner labels). */
  owner?: StackOwner;
}

export async function ensureContainer(docker: Docker, ref: ServiceRef, taken: Set<number>): Promise<Docker.ContainerInspectInfo> {
  const name = containerName(ref.project, ref.service, ref.svc, ref.number);
  let info = await ignoreGone(docker.getContainer(name).inspect());
  if (!info) {
    const hostPorts = await pinPorts(ref.svc, taken);
    try {
      await docker.createContainer(containerOptions(ref.project, ref.service, ref.svc, hostPorts, ref.networkIds, ref.number, ref.owner));
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
    info = await adopt(docker, name);
  }
  ensureOwned('container', name, info.Config.Labels, ref.project);
  const joined = new Set(Object.values(info.NetworkSettings.Networks ?? {}).map((n) => n.NetworkID));
  for (const network of Object.keys(ref.svc.networks)) {
    const id = ref.networkIds[network];
    if (joined.has(id)) continue;
    try {
      await docker.getNetwork(id).connect({ Container: info.Id, EndpointConfig: endpointConfig(ref.service, ref.svc, network) });
    } catch (err) {
      if (statusOf(err) !== 403 && statusOf(err) !== 409) throw err;
    }
  }
  return info;
}

/**
 * After a 409 a concurrent attempt holds the name, but Docker only shows the container once that
 * create call completes, so inspect answers 404 for a moment.
 */
async function adopt(docker: Docker, name: string): Promise<Docker.ContainerInspectInfo> {
  for (let i = 0; ; i++) {
    const info = await ignoreGone(docker.getContainer(name).inspect());
    if (info) return info;
    if (i >= 50) return docker.getContainer(name).inspect();
    await new Promise((r) => setTimeout(r, 100));
  }
}

const PORT_TAKEN = /port is already allocated|address already in use/i;
const AMBIGUOUS = /is ambiguous/i;

/**
 * Starts (or unpauses) the container, retrying two races. A pinned port grabbed by someone else
 * between picking and starting: the container is recreated with fresh ports. A duplicate network
 * made by a racing attempt: Docker resolves networks by name at start, so wait until it is removed.
 */
export async function startContainer(docker: Docker, ref: ServiceRef, taken: Set<number>): Promise<{ id: string; name: string }> {
  for (let attempt = 1; ; attempt++) {
    let id: string | undefined;
    try {
      const info = await ensureContainer(docker, ref, taken);
      id = info.Id;
      const c = docker.getContainer(info.Id);
      const started = { id: info.Id, name: info.Name.replace(/^\//, '') };
      if (info.State.Paused) await c.unpause();
      if (info.State.Running) return started;
      await c.start().catch((err: unknown) => {
        if (statusOf(err) !== 304) throw err;
      });
      return started;
    } catch (err) {
      const message = String((err as Error).message);
      const pinned = ref.svc.ports.some((p) => p.hostPort === undefined);
      if (attempt < 20 && AMBIGUOUS.test(message)) await new Promise((r) => setTimeout(r, 100));
      else if (attempt < 3 && pinned && id && PORT_TAKEN.test(message)) await ignoreGone(docker.getContainer(id).remove({ force: true, v: true }));
      else throw err;
    }
  }
}

/** Holds every probe socket open until all are picked, so one container never gets a port twice. */
async function pinPorts(svc: ComposeService, taken: Set<number>): Promise<Record<string, number>> {
  const servers: Server[] = [];
  const out: Record<string, number> = {};
  try {
    for (const p of svc.ports) {
      if (p.hostPort !== undefined) continue;
      let port: number;
      do {
        const s = createServer();
        servers.push(s);
        port = await new Promise<number>((resolve, reject) => {
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
        });
      } while (taken.has(port));
      taken.add(port);
      out[portKey(p.containerPort, p.protocol)] = port;
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))));
  }
  return out;
}
