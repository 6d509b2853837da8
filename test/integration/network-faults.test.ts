/**
 * network-partition and network-loss on real containers: two NATS servers on one Docker network.
 * Traffic is checked with nc from inside the containers and through the published ports, before,
 * during and after each fault; rules are checked with iptables-save in the target's namespace.
 */
import { randomBytes } from 'node:crypto';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { injectFault, restoreFault, selfRevertFor, verifyFault } from '../../src/activities/faults';
import { tagOf } from '../../src/activities/net/iptables';
import { createNetOps } from '../../src/activities/net/ops';
import { taggedRulesInProject } from '../helpers/net-residue';
import { systemClock } from '../../src/activities/ports';
import { runProbe } from '../../src/activities/probes';
import type { FaultRecord, StackHandle } from '../../src/activities/types';
import { FaultSpec } from '../../src/spec/faults';
import { ProbeSpec } from '../../src/spec/probes';
import { type LabNode, NetLab } from '../helpers/net-lab';
import { until } from '../helpers/until';
import { realDrivers } from '../helpers/fault-drivers';

const lab = new NetLab(`fl4-netf-${randomBytes(3).toString('hex')}`);
const ops = createContainerOps(lab.docker);
const net = createNetOps(lab.docker);
const deps = { ops, clock: systemClock, net };
const drivers = realDrivers(lab.docker, { ops, net });
let a: LabNode;
let b: LabNode;
let stack: StackHandle;
let step = 0;

function record(spec: Record<string, unknown>, target: LabNode = a): FaultRecord {
  const parsed = FaultSpec.parse({ target: { service: target.service }, ...spec });
  const path = `method[${step++}]`;
  return { faultId: `${lab.project}/${path}`, stepPath: path, kind: parsed.kind, spec: parsed, targets: [{ id: target.id, name: target.name, service: target.service }] };
}

async function pid(node: LabNode): Promise<number> {
  return (await net.info(node.id))?.pid ?? 0;
}

const natsProbe = () => runProbe(deps, { probe: ProbeSpec.parse({ kind: 'nats', service: 'a', timeout: '1s' }), stack });

beforeAll(async () => {
  await lab.createNetwork();
  [a, b] = [await lab.nats('a'), await lab.nats('b')];
  stack = { project: lab.project, services: ['a', 'b'], ports: { 'a:4222': a.host[4222], 'a:8222': a.host[8222] } };
  await until('b to reach a:4222', () => lab.reach(b, a.ip, 4222), { timeoutMs: 10_000 });
});

afterAll(() => lab.remove());

describe('network-partition', () => {
  it('cuts target and peer off from each other both ways, and restore brings traffic back', async () => {
    expect(await lab.reach(a, b.ip, 4222)).toBe(true);
    const rec = record({ kind: 'network-partition', peers: ['b'] });
    const inj = await injectFault(drivers, rec);
    expect(inj.details[0]).toContain(`peers ${b.ip}`);
    expect(await lab.reach(a, b.ip, 4222)).toBe(false);
    expect(await lab.reach(b, a.ip, 4222)).toBe(false);
    // Traffic from the host through the published port is not from the peer, so it still flows.
    expect((await natsProbe()).ok).toBe(true);
    const residue = (await verifyFault(drivers, rec)).residue;
    expect(residue).toHaveLength(2);
    expect(residue.every((r) => r.includes(tagOf(rec.faultId)))).toBe(true);

    const r = await restoreFault(drivers, rec);
    expect(r.outcomes).toEqual([{ container: a.name, outcome: 'restored', detail: 'removed 2 rule(s)' }]);
    expect(await lab.reach(a, b.ip, 4222)).toBe(true);
    expect(await lab.reach(b, a.ip, 4222)).toBe(true);
    expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
    // Restore twice is harmless.
    expect((await restoreFault(drivers, rec)).outcomes).toEqual([{ container: a.name, outcome: 'already-clean' }]);
  });

  it('by port: blocks that port from everyone (published port included), leaves other ports open', async () => {
    const rec = record({ kind: 'network-partition', ports: [4222] });
    await injectFault(drivers, rec);
    expect(await lab.reach(b, a.ip, 4222)).toBe(false);
    expect(await lab.reach(b, a.ip, 8222)).toBe(true);
    expect((await natsProbe()).ok).toBe(false);
    await restoreFault(drivers, rec);
    expect(await lab.reach(b, a.ip, 4222)).toBe(true);
    expect((await natsProbe()).ok).toBe(true);
  });

  it('injecting twice (a retried activity) leaves one set of rules, which one restore removes', async () => {
    const rec = record({ kind: 'network-partition', peers: ['b'] });
    await injectFault(drivers, rec);
    await injectFault(drivers, rec);
    expect((await verifyFault(drivers, rec)).residue).toHaveLength(2);
    expect((await restoreFault(drivers, rec)).outcomes[0].detail).toBe('removed 2 rule(s)');
    expect(await lab.reach(a, b.ip, 4222)).toBe(true);
  });

  it('restore after a partial inject removes the one rule that made it', async () => {
    const rec = record({ kind: 'network-partition', peers: ['b'] });
    const tag = tagOf(rec.faultId);
    const add = await net.inNetns(await pid(a), ['iptables', '-I', 'OUTPUT', '1', '-d', b.ip, '-m', 'comment', '--comment', tag, '-j', 'DROP']);
    expect(add.code).toBe(0);
    expect(await lab.reach(a, b.ip, 4222)).toBe(false);
    expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'restored', detail: 'removed 1 rule(s)' });
    expect(await lab.reach(a, b.ip, 4222)).toBe(true);
  });

  it('restore with no inject at all (cancelled before it ran) touches nothing', async () => {
    const before = await net.inNetns(await pid(a), ['iptables-save', '-t', 'filter']);
    const rec = record({ kind: 'network-partition', peers: ['b'] });
    expect((await restoreFault(drivers, rec)).outcomes).toEqual([{ container: a.name, outcome: 'already-clean' }]);
    expect((await net.inNetns(await pid(a), ['iptables-save', '-t', 'filter'])).stdout.replace(/^#.*\n/gm, '')).toBe(before.stdout.replace(/^#.*\n/gm, ''));
  });

  it('two faults on one target: restoring one keeps the other', async () => {
    const fromPeer = record({ kind: 'network-partition', peers: ['b'], ports: [4222] });
    const monitor = record({ kind: 'network-partition', ports: [8222] });
    await injectFault(drivers, fromPeer);
    await injectFault(drivers, monitor);
    expect(await lab.reach(b, a.ip, 4222)).toBe(false);
    expect(await lab.reach(b, a.ip, 8222)).toBe(false);
    await restoreFault(drivers, fromPeer);
    expect(await lab.reach(b, a.ip, 4222)).toBe(true);
    expect(await lab.reach(b, a.ip, 8222)).toBe(false);
    expect((await verifyFault(drivers, monitor)).residue).toHaveLength(4);
    expect(await taggedRulesInProject(ops, net, lab.project)).toHaveLength(4);
    await restoreFault(drivers, monitor);
    expect(await lab.reach(b, a.ip, 8222)).toBe(true);
    expect(await taggedRulesInProject(ops, net, lab.project)).toEqual([]);
  });

  it('the residue scan finds a tagged rule whatever fault left it', async () => {
    const rec = record({ kind: 'network-partition', ports: [6222] }, b);
    await injectFault(drivers, rec);
    const found = await taggedRulesInProject(ops, net, lab.project);
    expect(found).toHaveLength(4);
    expect(found.every((r) => r.startsWith(`${b.name}: -A `) && r.includes(tagOf(rec.faultId)))).toBe(true);
    await restoreFault(drivers, rec);
    expect(await taggedRulesInProject(ops, net, lab.project)).toEqual([]);
  });

  it('its self-revert script, run in a helper sharing the netns, removes exactly its rules', async () => {
    const rec = record({ kind: 'network-partition', peers: ['b'] });
    const other = record({ kind: 'network-partition', ports: [8222] });
    await injectFault(drivers, rec);
    await injectFault(drivers, other);
    const revert = selfRevertFor(drivers, rec, rec.targets[0]);
    if (!revert) throw new Error('network-partition has no selfRevert');
    expect(revert.netnsOf).toBe(a.id);
    const code = await lab.runHelper({ NetworkMode: `container:${revert.netnsOf}`, CapAdd: ['NET_ADMIN'] }, revert.script);
    expect(code).toBe(0);
    expect(await lab.reach(a, b.ip, 4222)).toBe(true);
    expect((await verifyFault(drivers, rec)).residue).toEqual([]);
    expect((await verifyFault(drivers, other)).residue).toHaveLength(4);
    // Running it again is harmless.
    expect(await lab.runHelper({ NetworkMode: `container:${a.id}`, CapAdd: ['NET_ADMIN'] }, revert.script)).toBe(0);
    await restoreFault(drivers, other);
  });

  it('a stopped target cannot be partitioned, and its restore is clean (the namespace went with the rules)', async () => {
    const c = await lab.nats('c');
    const rec = record({ kind: 'network-partition', peers: ['b'] }, c);
    await injectFault(drivers, rec);
    await lab.docker.getContainer(c.id).stop({ t: 0 });
    expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'already-clean' });
    await expect(injectFault(drivers, rec)).rejects.toThrow(/not running/);
    await lab.docker.getContainer(c.id).remove({ force: true });
    expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'gone' });
  });

  it('an unknown peer service is a clear, non-retryable error', async () => {
    await expect(injectFault(drivers, record({ kind: 'network-partition', peers: ['nope'] }))).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('peer service "nope" has no container'),
    });
  });
});

describe('network-loss', () => {
  it('with probability 1 drops everything but loopback; restore brings it back', async () => {
    const rec = record({ kind: 'network-loss', probability: 1 });
    await injectFault(drivers, rec);
    expect(await lab.reach(b, a.ip, 4222)).toBe(false);
    expect(await lab.exec(a.id, ['nc', '-z', '-w', '1', '127.0.0.1', '4222'])).toBe(0);
    await restoreFault(drivers, rec);
    expect(await lab.reach(b, a.ip, 4222)).toBe(true);
  });

  it('with probability 0.5 lets some connection attempts through and drops others', async () => {
    const rec = record({ kind: 'network-loss', probability: 0.5, peers: ['b'], direction: 'ingress' });
    await injectFault(drivers, rec);
    expect((await verifyFault(drivers, rec)).residue[0]).toMatch(/--probability 0\.5/);
    const results: boolean[] = [];
    // nc opens a fresh connection each time; 20 tries make all-pass or all-fail vanishingly unlikely (2^-19).
    for (let i = 0; i < 20; i++) results.push(await lab.reach(b, a.ip, 4222));
    expect(results).toContain(true);
    expect(results).toContain(false);
    await restoreFault(drivers, rec);
    expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
  });
});
