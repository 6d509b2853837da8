/**
 * The NATS mesh (infra/docker/docker-compose.mesh.yml) for tests: one stack per test file under a
 * fl4b- project, up until every server has its 2 routes and a gateway to the other cluster.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { stackDown, stackUp } from '../../src/activities/stack';
import type { StackHandle } from '../../src/activities/types';
import { until } from './until';

export const MESH_COMPOSE = resolve(__dirname, '../../infra/docker/docker-compose.mesh.yml');
export const MESH_SERVERS = ['nats-a1', 'nats-a2', 'nats-a3', 'nats-b1', 'nats-b2', 'nats-b3'];

export interface Mesh {
  docker: Docker;
  stack: StackHandle;
  /** http://127.0.0.1:<port> of a server's monitoring endpoint. */
  monitor(server: string): string;
  client(server: string): string;
  down(): Promise<void>;
}

export async function monitorJson<T>(mesh: Mesh, server: string, page: string): Promise<T> {
  const r = await fetch(`${mesh.monitor(server)}/${page}`);
  return (await r.json()) as T;
}

/** Every server routed to its 2 peers and gatewayed to the other cluster, and a meta leader known. */
export async function meshFormed(mesh: Mesh): Promise<boolean> {
  for (const s of MESH_SERVERS) {
    const routez = await monitorJson<{ num_routes: number }>(mesh, s, 'routez');
    const gw = await monitorJson<{ outbound_gateways?: Record<string, unknown> }>(mesh, s, 'gatewayz');
    if (routez.num_routes !== 2 || Object.keys(gw.outbound_gateways ?? {}).length !== 1) return false;
  }
  const jsz = await monitorJson<{ meta_cluster?: { leader?: string } }>(mesh, 'nats-a1', 'jsz');
  return Boolean(jsz.meta_cluster?.leader);
}

export async function startMesh(name: string): Promise<Mesh> {
  const docker = new Docker();
  const project = `fl4b-${name}-${randomBytes(3).toString('hex')}`;
  const stack = await stackUp(docker, { project, stack: { compose: MESH_COMPOSE, profiles: [], keep: false, healthTimeout: '120s' } });
  const port = (server: string, p: number) => {
    const hp = stack.ports[`${server}:${p}`];
    if (hp === undefined) throw new Error(`no port ${p} for ${server}`);
    return hp;
  };
  const mesh: Mesh = {
    docker,
    stack,
    monitor: (s) => `http://127.0.0.1:${port(s, 8222)}`,
    client: (s) => `127.0.0.1:${port(s, 4222)}`,
    down: async () => {
      await stackDown(docker, project);
    },
  };
  await until('the mesh to form (routes, gateways, a meta leader)', () => meshFormed(mesh), { timeoutMs: 90_000, everyMs: 500 });
  return mesh;
}
