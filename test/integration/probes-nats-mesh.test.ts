/**
 * The jetstream and nats-monitor probes on the real mesh: routes, gateways and the meta leader as
 * the servers report them, a replicated stream's state, a durable consumer's pending count growing
 * while nothing consumes and draining once it does, and ok:false for a missing stream.
 */
import { AckPolicy, type NatsConnection, StringCodec, connect } from 'nats';
import Docker from 'dockerode';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { systemClock } from '../../src/activities/ports';
import { runProbe } from '../../src/activities/probes';
import type { Sample } from '../../src/activities/types';
import type { Expectation } from '../../src/spec/expect';
import { ProbeSpec } from '../../src/spec/probes';
import { MESH_SERVERS, type Mesh, startMesh } from '../helpers/mesh';
import { until } from '../helpers/until';
import { ANY_PORT } from '../../src/spec/host-ports';

// One test probes port 1 on loopback (nothing behind it); the worker allows any port here.
const deps = { ops: createContainerOps(new Docker()), clock: systemClock, hostPorts: ANY_PORT };
let mesh: Mesh;
let nc: NatsConnection;
const sc = StringCodec();

const probe = (p: Record<string, unknown>, expect?: Expectation): Promise<Sample> =>
  runProbe(deps, { probe: ProbeSpec.parse(p), stack: mesh.stack, expect });

beforeAll(async () => {
  mesh = await startMesh('probes');
  nc = await connect({ servers: mesh.client('nats-a1') });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'], num_replicas: 3 });
  await jsm.consumers.add('ORDERS', { durable_name: 'billing', ack_policy: AckPolicy.Explicit });
}, 150_000);
afterAll(async () => {
  await nc?.close();
  await mesh?.down();
});

describe('nats-monitor', () => {
  it('routez and gatewayz name the peers of every server', async () => {
    const ids: Record<string, string> = {};
    for (const server of MESH_SERVERS) {
      ids[server] = ((await probe({ kind: 'nats-monitor', service: server, page: 'varz' })).value as { summary: { serverId: string } }).summary.serverId;
    }
    for (const server of MESH_SERVERS) {
      const own = server.slice(0, 6);
      const routes = await probe({ kind: 'nats-monitor', service: server, page: 'routez' });
      expect(routes).toMatchObject({ ok: true, value: { page: 'routez', summary: { numRoutes: 2 } } });
      const peers = (routes.value as { summary: { peers: string[] } }).summary.peers;
      const siblings = ['1', '2', '3'].map((n) => `${own}${n}`).filter((n) => n !== server);
      expect(peers).toEqual(siblings.map((n) => ids[n]).sort());
      const gw = await probe({ kind: 'nats-monitor', service: server, page: 'gatewayz' });
      expect(gw).toMatchObject({ ok: true, value: { summary: { name: own === 'nats-a' ? 'A' : 'B', outbound: [own === 'nats-a' ? 'B' : 'A'] } } });
    }
  });

  it('varz and jsz, with jsonpath expectations that hold and one that does not', async () => {
    expect(await probe({ kind: 'nats-monitor', service: 'nats-b1', page: 'varz' }, { jsonpath: '$.summary.cluster', eq: 'B' })).toMatchObject({ ok: true });
    const jsz = await probe({ kind: 'nats-monitor', service: 'nats-b1', page: 'jsz' }, { jsonpath: '$.summary.clusterSize', eq: 6 });
    expect(jsz).toMatchObject({ ok: true });
    const wrong = await probe({ kind: 'nats-monitor', service: 'nats-b1', page: 'varz' }, { jsonpath: '$.summary.cluster', eq: 'A' });
    expect(wrong).toMatchObject({ ok: false, error: 'expected $.summary.cluster = "A", got "B"' });
    // The sample keeps the summary, not the whole page.
    expect(wrong.value).not.toHaveProperty('body');
  });

  it('a port with nothing behind it is ok:false with the reason', async () => {
    const s = await probe({ kind: 'nats-monitor', host: '127.0.0.1', port: 1, page: 'varz' });
    expect(s.ok).toBe(false);
    expect(s.error).toContain('GET http://127.0.0.1:1/varz');
  });
});

describe('jetstream', () => {
  it('every server agrees on the meta leader, one of the six', async () => {
    const leaders = new Set<unknown>();
    for (const server of MESH_SERVERS) {
      const s = await probe({ kind: 'jetstream', service: server });
      expect(s).toMatchObject({ ok: true, value: { metaClusterSize: 6 } });
      leaders.add((s.value as { metaLeader: string }).metaLeader);
    }
    expect(leaders.size).toBe(1);
    expect(MESH_SERVERS).toContain([...leaders][0]);
  });

  it('stream and consumer state: pending grows while unconsumed, the ack floor follows acks', async () => {
    const js = nc.jetstream();
    for (let i = 0; i < 10; i++) await js.publish(`orders.${i}`, sc.encode(String(i)));
    const spec = { kind: 'jetstream', service: 'nats-b2', stream: 'ORDERS', consumer: 'billing' };
    const before = await probe(spec, { jsonpath: '$.consumer.pending', eq: 10 });
    expect(before).toMatchObject({ ok: true, value: { stream: { name: 'ORDERS', messages: 10, lastSeq: 10, consumers: 1 }, consumer: { ackFloor: 0 } } });
    const stream = (before.value as { stream: { replicas: unknown[]; leader: string } }).stream;
    expect(stream.replicas).toHaveLength(2);
    expect(MESH_SERVERS).toContain(stream.leader);

    const consumer = await js.consumers.get('ORDERS', 'billing');
    const batch = await consumer.fetch({ max_messages: 4, expires: 2000 });
    for await (const m of batch) m.ack();
    await nc.flush();
    const after = await probe(spec);
    expect(after).toMatchObject({ ok: true, value: { consumer: { pending: 6, ackFloor: 4, delivered: 4 } } });
  });

  it('a missing stream is ok:false naming it', async () => {
    const s = await probe({ kind: 'jetstream', service: 'nats-a3', stream: 'NOPE' });
    expect(s.ok).toBe(false);
    expect(s.error).toMatch(/stream NOPE: .*not found/i);
  });
});

describe('jetstream after the meta leader is killed (mutates the mesh, so it runs last)', () => {
  it('the dead leader is not confirmed, then a new live leader is, asked via alternates', async () => {
    const before = await probe({ kind: 'jetstream', service: 'nats-a1', alternates: ['nats-b1'] });
    expect(before).toMatchObject({ ok: true, value: { metaLeaderConfirmed: true } });
    const leader = (before.value as { metaLeader: string }).metaLeader;
    const [first, second] = leader === 'nats-a1' ? ['nats-a1', 'nats-b2'] : leader === 'nats-b2' ? ['nats-b2', 'nats-a3'] : ['nats-b2', 'nats-a3'];
    await mesh.docker.getContainer(`${mesh.stack.project}-${leader}-1`).kill({ signal: 'SIGKILL' });
    const spec = { kind: 'jetstream', service: first, alternates: [second] };
    // Right after the kill the followers still name the dead leader; the probe must not pass on that.
    const stale = await probe(spec);
    expect(stale.ok).toBe(false);
    expect(stale.error).toMatch(/does not answer as leader|no answer|got none/);
    // On timeout, the expect below shows the last sample.
    let after = stale;
    await until('the probe to confirm a new leader', async () => {
      after = await probe(spec);
      return after.ok;
    }, { timeoutMs: 30_000, everyMs: 500 }).catch(() => undefined);
    expect(after).toMatchObject({ ok: true, value: { metaLeaderConfirmed: true } });
    expect((after.value as { metaLeader: string }).metaLeader).not.toBe(leader);
  });
});
