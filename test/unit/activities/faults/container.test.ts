/**
 * Fault drivers against the in-memory ContainerOps: the saga's guarantees per kind (restore twice,
 * restore after a partial or missing inject, overlapping faults, residue before and after).
 */
import { injectFault, restoreFault, verifyFault } from '../../../../src/activities/faults';
import type { FaultRecord } from '../../../../src/activities/types';
import { FaultlineError } from '../../../../src/errors';
import { CONTAINER_FAULT_KINDS, type ContainerFaultKind, FaultSpec } from '../../../../src/spec/faults';
import { FakeContainerOps } from '../../fakes/container-ops';
import { fakeDrivers } from '../../fakes/world';

const PROJECT = 'p1';

function world() {
  const ops = new FakeContainerOps();
  const a = ops.add(PROJECT, 'nats', { name: 'p1-nats-1' });
  const b = ops.add(PROJECT, 'nats', { name: 'p1-nats-2' });
  return { ops, drivers: fakeDrivers(ops), a, b };
}

function record(kind: ContainerFaultKind, targets: FaultRecord['targets'], extra: Record<string, unknown> = {}, step = 'method[0]'): FaultRecord {
  const spec = FaultSpec.parse({ kind, target: { service: 'nats' }, ...extra });
  return { faultId: `wf-1/${step}`, stepPath: step, kind, spec, targets };
}

/** What each kind leaves behind on its target right after inject. */
const BROKEN: Record<ContainerFaultKind, (c: { running: boolean; paused: boolean }) => boolean> = {
  'container-kill': (c) => !c.running,
  'container-stop': (c) => !c.running,
  'container-restart': (c) => c.running, // a restart leaves it running: the damage is lost state
  'container-pause': (c) => c.paused,
};

describe.each(CONTAINER_FAULT_KINDS)('%s', (kind) => {
  it('injects, shows residue where it leaves some, restores, and is clean after', async () => {
    const { ops, drivers, a, b } = world();
    const rec = record(kind, [a, b]);
    const inj = await injectFault(drivers, rec);
    expect(inj.details).toHaveLength(2);
    expect(BROKEN[kind](ops.get(a.id))).toBe(true);
    const residue = (await verifyFault(drivers, rec)).residue;
    if (kind === 'container-restart') expect(residue).toEqual([]);
    else expect(residue).toEqual([expect.stringContaining('p1-nats-1'), expect.stringContaining('p1-nats-2')]);

    const r = await restoreFault(drivers, rec);
    expect(r.outcomes.map((o) => o.container)).toEqual(['p1-nats-1', 'p1-nats-2']);
    expect(r.outcomes.every((o) => o.outcome === (kind === 'container-restart' ? 'already-clean' : 'restored'))).toBe(true);
    expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
    expect(ops.get(a.id)).toMatchObject({ running: true, paused: false });
  });

  it('injecting the same record twice (a retry) succeeds and leaves one fault', async () => {
    const { ops, drivers, a } = world();
    const rec = record(kind, [a]);
    await injectFault(drivers, rec);
    await expect(injectFault(drivers, rec)).resolves.toMatchObject({ details: [expect.stringContaining('p1-nats-1')] });
    await restoreFault(drivers, rec);
    expect(ops.get(a.id)).toMatchObject({ running: true, paused: false });
  });

  it('restoring twice is harmless: the second restore reports already-clean', async () => {
    const { ops, drivers, a } = world();
    const rec = record(kind, [a]);
    await injectFault(drivers, rec);
    await restoreFault(drivers, rec);
    const second = await restoreFault(drivers, rec);
    expect(second.outcomes).toEqual([{ container: 'p1-nats-1', outcome: 'already-clean' }]);
    expect(ops.get(a.id)).toMatchObject({ running: true, paused: false });
  });

  it('restore without any inject (cancelled before it ran) changes nothing', async () => {
    const { ops, drivers, a, b } = world();
    const rec = record(kind, [a, b]);
    const r = await restoreFault(drivers, rec);
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['already-clean', 'already-clean']);
    expect(ops.calls).toEqual([]);
  });

  it('restore after an inject that reached only some targets restores those and passes the rest', async () => {
    const { ops, drivers, a, b } = world();
    const rec = record(kind, [a, b]);
    const op = { 'container-kill': 'kill', 'container-stop': 'stop', 'container-restart': 'restart', 'container-pause': 'pause' } as const;
    ops.failNext(op[kind], 'p1-nats-2', 1);
    const err = await injectFault(drivers, rec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaultlineError);
    expect((err as FaultlineError).message).toContain('p1-nats-2');
    expect((err as FaultlineError).retryable).toBe(true);
    const r = await restoreFault(drivers, rec);
    expect(r.outcomes[1]).toEqual({ container: 'p1-nats-2', outcome: 'already-clean' });
    expect(ops.get(a.id)).toMatchObject({ running: true, paused: false });
    expect(ops.get(b.id)).toMatchObject({ running: true, paused: false });
  });

  it('a target that vanished restores as gone and shows up in the residue scan', async () => {
    const { ops, drivers, a, b } = world();
    const rec = record(kind, [a, b]);
    await injectFault(drivers, rec);
    ops.remove(b.id);
    const r = await restoreFault(drivers, rec);
    expect(r.outcomes[1]).toEqual({ container: 'p1-nats-2', outcome: 'gone' });
    expect((await verifyFault(drivers, rec)).residue).toEqual(['p1-nats-2: container is gone']);
  });

  it('inject on a vanished target fails without retry, naming it', async () => {
    const { ops, drivers, a } = world();
    ops.remove(a.id);
    const err = (await injectFault(drivers, record(kind, [a])).catch((e: unknown) => e)) as FaultlineError;
    expect(err).toBeInstanceOf(FaultlineError);
    expect(err.message).toContain('p1-nats-1');
    expect(err.code).toBe('ContainerGone');
    expect(err.retryable).toBe(false);
  });
});

describe('two faults on one target', () => {
  it('pause then kill, restored in reverse order, leaves it running and unpaused', async () => {
    const { ops, drivers, a } = world();
    const pause = record('container-pause', [a], {}, 'method[0]');
    const kill = record('container-kill', [a], {}, 'method[1]');
    await injectFault(drivers, pause);
    await injectFault(drivers, kill);
    expect(ops.get(a.id)).toMatchObject({ running: false, paused: false });
    expect((await restoreFault(drivers, kill)).outcomes[0].outcome).toBe('restored');
    expect((await restoreFault(drivers, pause)).outcomes[0].outcome).toBe('already-clean');
    expect(ops.get(a.id)).toMatchObject({ running: true, paused: false });
    expect((await verifyFault(drivers, pause)).residue).toEqual([]);
    expect((await verifyFault(drivers, kill)).residue).toEqual([]);
  });

  it('stop then pause: the pause cannot hold on a stopped target, and both restores still clean up', async () => {
    const { ops, drivers, a } = world();
    const stop = record('container-stop', [a], { grace: '0s' }, 'method[0]');
    const pause = record('container-pause', [a], {}, 'method[1]');
    await injectFault(drivers, stop);
    await expect(injectFault(drivers, pause)).rejects.toMatchObject({ code: 'ContainerConflict' });
    await restoreFault(drivers, pause);
    await restoreFault(drivers, stop);
    expect(ops.get(a.id)).toMatchObject({ running: true, paused: false });
  });

  it('pause, then a restart whose inject never ran: its restore leaves the pause to the pause restore', async () => {
    const { ops, drivers, a } = world();
    const pause = record('container-pause', [a], {}, 'method[0]');
    const restart = record('container-restart', [a], {}, 'method[1]');
    await injectFault(drivers, pause);
    const r = await restoreFault(drivers, restart);
    expect(r.outcomes[0]).toMatchObject({ outcome: 'already-clean', detail: expect.stringContaining('paused') });
    await restoreFault(drivers, pause);
    expect(ops.get(a.id)).toMatchObject({ running: true, paused: false });
  });
});

describe('container-kill with a stop-type signal', () => {
  it('SIGSTOP is undone with SIGCONT', async () => {
    const { ops, drivers, a } = world();
    const rec = record('container-kill', [a], { signal: 'SIGSTOP' });
    await injectFault(drivers, rec);
    expect(ops.get(a.id).stopped).toBe(true);
    expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'restored', detail: 'sent SIGCONT' });
    expect(ops.get(a.id).stopped).toBe(false);
  });
});

describe('restore that cannot finish', () => {
  it('asks for a retry when the container does not come up', async () => {
    const { ops, drivers, a } = world();
    const rec = record('container-stop', [a]);
    await injectFault(drivers, rec);
    // A container whose process exits at once: start succeeds but it never reports running.
    jest.spyOn(ops, 'start').mockImplementation(async () => 'done');
    const err = (await restoreFault(drivers, rec).catch((e: unknown) => e)) as FaultlineError;
    expect(err.code).toBe('RestoreIncomplete');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('p1-nats-1');
  });
});
