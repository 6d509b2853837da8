/**
 * The mesh stack really forms: 3 + 3 servers, full routes inside each cluster, gateways on 7522 in
 * both directions, one JetStream meta group over all six, and a message crosses from A to B.
 */
import { connect, StringCodec } from 'nats';
import { MESH_SERVERS, type Mesh, monitorJson, startMesh } from '../helpers/mesh';
import { until } from '../helpers/until';

let mesh: Mesh;
beforeAll(async () => {
  mesh = await startMesh('mesh');
}, 150_000);
afterAll(async () => {
  await mesh?.down();
});

interface Routez { num_routes: number; routes: Array<{ remote_id: string; remote_name?: string }> }
interface Gatewayz { name: string; outbound_gateways: Record<string, { connection: { port?: number } }>; inbound_gateways: Record<string, unknown[]> }

test('each cluster is fully routed and gatewayed to the other on 7522', async () => {
  for (const s of MESH_SERVERS) {
    const routez = await monitorJson<Routez>(mesh, s, 'routez');
    expect({ s, routes: routez.num_routes }).toEqual({ s, routes: 2 });
    const gw = await monitorJson<Gatewayz>(mesh, s, 'gatewayz');
    const own = s.startsWith('nats-a') ? 'A' : 'B';
    const other = own === 'A' ? 'B' : 'A';
    expect(gw.name).toBe(own);
    expect(Object.keys(gw.outbound_gateways)).toEqual([other]);
    expect(gw.outbound_gateways[other].connection.port).toBe(7522);
  }
});

test('one JetStream meta group spans all six servers', async () => {
  type Jsz = { meta_cluster: { leader: string; cluster_size: number } };
  // Peers join the meta group one by one after the leader is elected, and each server learns the
  // size on its own schedule: wait (bounded) for nats-b2 to see all six, and show what it saw last.
  let last: Jsz | undefined;
  const full = await until(
    'nats-b2 to see a meta group of 6',
    async () => {
      last = await monitorJson<Jsz>(mesh, 'nats-b2', 'jsz');
      return last.meta_cluster.cluster_size === 6 ? last : undefined;
    },
    { timeoutMs: 30_000, everyMs: 500 },
  ).catch(() => last);
  expect(full?.meta_cluster.cluster_size).toBe(6);
  expect(MESH_SERVERS).toContain(full?.meta_cluster.leader);
});

test('a message published in cluster A reaches a subscriber in cluster B', async () => {
  const sc = StringCodec();
  const [a, b] = await Promise.all([connect({ servers: mesh.client('nats-a1') }), connect({ servers: mesh.client('nats-b3') })]);
  try {
    const got = new Promise<string>((ok) => b.subscribe('mesh.hello', { max: 1, callback: (_e, m) => ok(sc.decode(m.data)) }));
    await b.flush();
    // Interest crosses the gateway asynchronously; publish until it arrives.
    const timer = setInterval(() => a.publish('mesh.hello', sc.encode('from-a')), 200);
    try {
      await expect(got).resolves.toBe('from-a');
    } finally {
      clearInterval(timer);
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
