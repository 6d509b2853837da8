/**
 * Fault drivers on real Docker: each kind against a real NATS container. Inject changes the
 * container, the residue scan sees it, restore brings it back and NATS answers a round trip again,
 * restore twice and restore without inject are harmless. Containers are removed in afterAll.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { injectFault, restoreFault, verifyFault } from '../../src/activities/faults';
import { systemClock } from '../../src/activities/ports';
import { runProbe, timeToGreen } from '../../src/activities/probes';
import { resolveTargets } from '../../src/activities/targets';
import type { FaultRecord, StackHandle } from '../../src/activities/types';
import { CONTAINER_FAULT_KINDS, type ContainerFaultKind, FaultSpec } from '../../src/spec/faults';
import { ProbeSpec } from '../../src/spec/probes';
import { Target } from '../../src/spec/target';
import { freePort } from '../helpers/net';
import { realDrivers } from '../helpers/fault-drivers';

const docker = new Docker();
const ops = createContainerOps(docker);
const deps = { ops, clock: systemClock };
const drivers = realDrivers(docker, { ops });
const PROJECT = `fltest-faults-${randomBytes(4).toString('hex')}`;

/** Host ports are pinned: Docker gives an ephemeral binding a new port on every start. */
async function startNats(service: string): Promise<StackHandle> {
  const [client, monitor] = [await freePort(), await freePort()];
  const c = await docker.createContainer({
    Image: 'faultline/nats:local',
    name: `${PROJECT}-${service}-1`,
    Labels: { 'faultline.project': PROJECT, 'faultline.service': service },
    ExposedPorts: { '4222/tcp': {}, '8222/tcp': {} },
    HostConfig: {
      PortBindings: {
        '4222/tcp': [{ HostIp: '127.0.0.1', HostPort: String(client) }],
        '8222/tcp': [{ HostIp: '127.0.0.1', HostPort: String(monitor) }],
      },
    },
  });
  await c.start();
  const stack = { project: PROJECT, services: [service], ports: { [`${service}:4222`]: client, [`${service}:8222`]: monitor } };
  await expectGreen(stack, service);
  return stack;
}

/** NATS answers a request-reply round trip within 15 s. */
async function expectGreen(stack: StackHandle, service: string): Promise<void> {
  const probe = ProbeSpec.parse({ kind: 'nats', service, timeout: '1s' });
  const r = await timeToGreen(deps, { probe, stack, since: Date.now(), withinMs: 15_000, consecutive: 1, intervalMs: 200 });
  expect(r).toMatchObject({ green: true });
}

function record(kind: ContainerFaultKind, targets: FaultRecord['targets'], step: string): FaultRecord {
  const extra = kind === 'container-stop' ? { grace: '2s' } : {};
  const spec = FaultSpec.parse({ kind, target: { service: 'x' }, ...extra });
  return { faultId: `${PROJECT}/${step}`, stepPath: step, kind, spec, targets };
}

afterAll(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [`faultline.project=${PROJECT}`] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
});

describe.each(CONTAINER_FAULT_KINDS)('%s on a real NATS container', (kind) => {
  const service = `nats-${kind.replace('container-', '')}`;
  let stack: StackHandle;
  beforeAll(async () => {
    stack = await startNats(service);
  });

  it('inject -> residue -> restore -> NATS answers -> clean; restore twice is harmless', async () => {
    const targets = await resolveTargets(ops, { project: PROJECT, target: Target.parse({ service }) });
    expect(targets.map((t) => t.name)).toEqual([`${PROJECT}-${service}-1`]);
    const id = targets[0].id;
    const before = await ops.inspect(id);
    const rec = record(kind, targets, `method[0]`);

    const inj = await injectFault(drivers, rec);
    expect(inj.details[0]).toContain(targets[0].name);
    const after = await ops.inspect(id);
    const residue = (await verifyFault(drivers, rec)).residue;
    if (kind === 'container-pause') {
      expect(after).toMatchObject({ running: true, paused: true });
      expect(residue).toEqual([`${targets[0].name}: paused`]);
      const sample = await runProbe(deps, { probe: ProbeSpec.parse({ kind: 'nats', service, timeout: '500ms' }), stack });
      expect(sample.ok).toBe(false);
    } else if (kind === 'container-restart') {
      expect(after?.running).toBe(true);
      expect(after?.pid).not.toBe(before?.pid);
      expect(residue).toEqual([]);
    } else {
      expect(after).toMatchObject({ running: false });
      expect(residue).toEqual([expect.stringMatching(new RegExp(`^${targets[0].name}: not running \\(status exited`))]);
    }

    const restored = await restoreFault(drivers, rec);
    expect(restored.outcomes).toEqual([
      expect.objectContaining({ container: targets[0].name, outcome: kind === 'container-restart' ? 'already-clean' : 'restored' }),
    ]);
    expect(await ops.inspect(id)).toMatchObject({ running: true, paused: false });
    await expectGreen(stack, service);
    expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });

    const again = await restoreFault(drivers, rec);
    expect(again.outcomes).toEqual([{ container: targets[0].name, outcome: 'already-clean' }]);
    expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
  });

  it('restore without any inject (cancelled before it ran) leaves the container alone', async () => {
    const targets = await resolveTargets(ops, { project: PROJECT, target: Target.parse({ service }) });
    const before = await ops.inspect(targets[0].id);
    const r = await restoreFault(drivers, record(kind, targets, 'method[1]'));
    expect(r.outcomes).toEqual([{ container: targets[0].name, outcome: 'already-clean' }]);
    expect((await ops.inspect(targets[0].id))?.pid).toBe(before?.pid);
  });

  it('injecting twice (a retried activity) holds one fault that one restore undoes', async () => {
    const targets = await resolveTargets(ops, { project: PROJECT, target: Target.parse({ service }) });
    const rec = record(kind, targets, 'method[2]');
    await injectFault(drivers, rec);
    await injectFault(drivers, rec);
    await restoreFault(drivers, rec);
    expect(await ops.inspect(targets[0].id)).toMatchObject({ running: true, paused: false });
    await expectGreen(stack, service);
  });
});

describe('two faults on one real container', () => {
  it('pause then kill, restored in reverse order: running, unpaused, answering', async () => {
    const stack = await startNats('nats-both');
    const targets = await resolveTargets(ops, { project: PROJECT, target: Target.parse({ service: 'nats-both' }) });
    const pause = record('container-pause', targets, 'method[0]');
    const kill = record('container-kill', targets, 'method[1]');
    await injectFault(drivers, pause);
    await injectFault(drivers, kill);
    expect(await ops.inspect(targets[0].id)).toMatchObject({ running: false, paused: false });
    expect((await restoreFault(drivers, kill)).outcomes[0].outcome).toBe('restored');
    expect((await restoreFault(drivers, pause)).outcomes[0].outcome).toBe('already-clean');
    await expectGreen(stack, 'nats-both');
    expect((await verifyFault(drivers, pause)).residue).toEqual([]);
  });

  it('a removed container restores as gone and is residue', async () => {
    await startNats('nats-gone');
    const targets = await resolveTargets(ops, { project: PROJECT, target: Target.parse({ service: 'nats-gone' }) });
    const rec = record('container-kill', targets, 'method[0]');
    await injectFault(drivers, rec);
    await docker.getContainer(targets[0].id).remove({ force: true });
    expect((await restoreFault(drivers, rec)).outcomes).toEqual([{ container: targets[0].name, outcome: 'gone' }]);
    expect((await verifyFault(drivers, rec)).residue).toEqual([`${targets[0].name}: container is gone`]);
  });
});
