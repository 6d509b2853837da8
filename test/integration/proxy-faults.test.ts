/**
 * The Toxiproxy fault kinds on a real Toxiproxy (faultline/toxiproxy:local) in front of a real NATS
 * server. Effects are observed through the proxy's published port with a raw TCP client (NATS sends
 * INFO as soon as a client connects); toxics are checked through Toxiproxy's own API. The netem path
 * is exercised for real: on a kernel without netem it must fail with a clear message.
 */
import { hardenedHostConfig } from '../../src/activities/safety/helpers';
import { randomBytes } from 'node:crypto';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { injectFault, restoreFault, selfRevertFor, verifyFault } from '../../src/activities/faults';
import { createNetOps } from '../../src/activities/net/ops';
import { faultlineToxicsInProject } from '../helpers/net-residue';
import { toxicName } from '../../src/activities/net/toxiproxy';
import { systemClock } from '../../src/activities/ports';
import type { FaultRecord } from '../../src/activities/types';
import { FaultSpec } from '../../src/spec/faults';
import { type LabNode, NetLab } from '../helpers/net-lab';
import { firstRead } from '../helpers/tcp-read';
import { until } from '../helpers/until';
import { realDrivers } from '../helpers/fault-drivers';

const lab = new NetLab(`fl4-proxy-${randomBytes(3).toString('hex')}`);
const net = createNetOps(lab.docker);
const deps = { ops: createContainerOps(lab.docker), clock: systemClock, net };
const drivers = realDrivers(lab.docker, { ops: deps.ops, net });
let nats: LabNode;
let proxy: LabNode;
let api: string;
let step = 0;

function record(spec: Record<string, unknown>, target: LabNode = proxy): FaultRecord {
  const parsed = FaultSpec.parse({ target: { service: target.service }, proxy: 'nats', ...spec });
  const path = `method[${step++}]`;
  return { faultId: `${lab.project}/${path}`, stepPath: path, kind: parsed.kind, spec: parsed, targets: [{ id: target.id, name: target.name, service: target.service }] };
}

async function toxics(): Promise<Array<{ name: string; type: string; attributes: Record<string, number> }>> {
  return (await fetch(`${api}/proxies/nats/toxics`, { signal: AbortSignal.timeout(3000) })).json() as Promise<Array<{ name: string; type: string; attributes: Record<string, number> }>>;
}

const read = (waitMs = 1500) => firstRead(proxy.host[4222], waitMs);

beforeAll(async () => {
  await lab.createNetwork();
  nats = await lab.nats('nats');
  proxy = await lab.start('toxiproxy', 'faultline/toxiproxy:local', undefined, [8474, 4222]);
  api = `http://127.0.0.1:${proxy.host[8474]}`;
  await until('the toxiproxy API to answer', async () => (await fetch(`${api}/version`, { signal: AbortSignal.timeout(1000) })).ok, { timeoutMs: 10_000 });
  const created = await fetch(`${api}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name: 'nats', listen: '0.0.0.0:4222', upstream: `${nats.name}:4222` }),
    signal: AbortSignal.timeout(3000),
  });
  expect(created.status).toBe(201);
  await until('data to pass the proxy', async () => (await read()).end === 'data', { timeoutMs: 10_000 });
});

afterAll(() => lab.remove());

describe('Toxiproxy faults', () => {
  it('network-latency delays the first byte by at least the latency; restore deletes exactly its toxic', async () => {
    expect((await read()).data).toMatch(/^INFO /);
    const rec = record({ kind: 'network-latency', latency: '700ms' });
    const inj = await injectFault(drivers, rec);
    expect(inj.details[0]).toContain(toxicName(rec.faultId));
    expect(await toxics()).toEqual([expect.objectContaining({ name: toxicName(rec.faultId), type: 'latency', attributes: { latency: 700, jitter: 0 } })]);
    const slow = await read(3000);
    expect(slow.data).toMatch(/^INFO /);
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(650);
    expect((await verifyFault(drivers, rec)).residue).toEqual([`${proxy.name}: toxic left: nats/${toxicName(rec.faultId)}`]);

    expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'restored' });
    expect(await toxics()).toEqual([]);
    expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
    expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'already-clean' });
  });

  it('network-timeout stalls the data until restored', async () => {
    const rec = record({ kind: 'network-timeout' });
    await injectFault(drivers, rec);
    expect((await read(1500)).end).toBe('silent');
    await restoreFault(drivers, rec);
    expect((await read()).data).toMatch(/^INFO /);
  });

  it('network-reset makes connections end without data', async () => {
    const rec = record({ kind: 'network-reset' });
    await injectFault(drivers, rec);
    const r = await read(3000);
    expect(r.end === 'closed' || r.end === 'error').toBe(true);
    expect(r.data).toBeUndefined();
    await restoreFault(drivers, rec);
    expect((await read()).data).toMatch(/^INFO /);
  });

  it('network-bandwidth installs a bandwidth toxic with the rate; injecting twice keeps one', async () => {
    const rec = record({ kind: 'network-bandwidth', rate: 4, stream: 'upstream' });
    await injectFault(drivers, rec);
    await injectFault(drivers, rec);
    expect(await toxics()).toEqual([expect.objectContaining({ name: toxicName(rec.faultId), type: 'bandwidth', attributes: { rate: 4 } })]);
    await restoreFault(drivers, rec);
    expect(await toxics()).toEqual([]);
  });

  it('two faults on one proxy: restoring one keeps the other; restore without inject touches nothing', async () => {
    const lat = record({ kind: 'network-latency', latency: '50ms' });
    const bw = record({ kind: 'network-bandwidth', rate: 100 });
    await injectFault(drivers, lat);
    await injectFault(drivers, bw);
    expect((await faultlineToxicsInProject(deps.ops, net, lab.project)).sort()).toEqual(
      [lat, bw].map((r) => `${proxy.name}: toxic nats/${toxicName(r.faultId)}`).sort(),
    );
    expect((await restoreFault(drivers, record({ kind: 'network-latency', latency: '1s' }))).outcomes[0].outcome).toBe('already-clean');
    expect((await toxics()).map((t) => t.name).sort()).toEqual([toxicName(lat.faultId), toxicName(bw.faultId)].sort());
    await restoreFault(drivers, lat);
    expect((await toxics()).map((t) => t.name)).toEqual([toxicName(bw.faultId)]);
    await restoreFault(drivers, bw);
    expect(await toxics()).toEqual([]);
    expect(await faultlineToxicsInProject(deps.ops, net, lab.project)).toEqual([]);
  });

  it('its self-revert script, run in a helper sharing the Toxiproxy netns, deletes its toxic', async () => {
    const rec = record({ kind: 'network-timeout' });
    await injectFault(drivers, rec);
    const revert = selfRevertFor(drivers, rec, rec.targets[0]);
    if (!revert) throw new Error('network-timeout has no selfRevert');
    // In the box a reverter really gets: no capability, read-only root; the proxy name as data.
    const box = hardenedHostConfig({ network: `container:${revert.netnsOf}`, netAdmin: revert.netAdmin });
    expect(box.CapAdd).toEqual([]);
    expect(await lab.runHelper(box, revert.script, revert.env)).toBe(0);
    expect(await toxics()).toEqual([]);
    expect((await read()).data).toMatch(/^INFO /);
    expect(await lab.runHelper(box, revert.script, revert.env)).toBe(0);
  });

  it('an unknown proxy is a non-retryable error naming the proxies there are', async () => {
    await expect(injectFault(drivers, record({ kind: 'network-latency', latency: '1s', proxy: 'nope' }))).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('has no proxy "nope" (known: nats)'),
    });
  });
});

describe('via: netem', () => {
  it('works where the kernel has netem, and otherwise fails clearly, naming the qdisc and suggesting toxiproxy', async () => {
    const rec = record({ kind: 'network-latency', via: 'netem', latency: '200ms' }, nats);
    const outcome = await injectFault(drivers, rec).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (outcome.ok) {
      // A kernel with sch_netem: the qdisc is there and restore removes it.
      expect((await verifyFault(drivers, rec)).residue.length).toBeGreaterThan(0);
      expect((await restoreFault(drivers, rec)).outcomes[0].outcome).toBe('restored');
    } else {
      expect(outcome.e).toMatchObject({ code: 'NetemUnavailable', retryable: false });
      const err = outcome.e as { message: string; cause?: { hint?: string } };
      expect(err.message).toMatch(/tc netem is not available on this kernel: the "netem" qdisc is missing \(tc said: .*qdisc kind is unknown/);
      expect(err.cause?.hint).toContain('via: toxiproxy');
      expect((await restoreFault(drivers, rec)).outcomes[0].outcome).toBe('already-clean');
    }
    expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
  });
});
