/**
 * Live controls of the `experiment` workflow on a real dev server with a fake activity world:
 * stop conditions, pause/resume (windows freeze and continue), extend (and its rejections).
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { extendUpdate, pauseSignal, resumeSignal } from '../../src/workflows/messages';
import { FakeWorld } from './fake-world';
import { type Harness, baseSpec, runWorkflow, startHarness, waitStatus } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.t.teardown());

const pauseFault = (duration: string) => ({ fault: { kind: 'container-pause' as const, target: { service: 'a' } }, duration });

test('a failing abortOnFail probe aborts the run during chaos and the fault is restored', async () => {
  const w = new FakeWorld(['a']);
  const spec = baseSpec({ continuous: [{ probe: 'up', every: '200ms', abortOnFail: true, failuresToAbort: 2 }], method: [pauseFault('10m')] });
  const j = await runWorkflow(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    w.probeOk = false;
  });
  expect(j.outcome).toBe('aborted');
  expect(j.stopCondition?.probe).toBe('up');
  expect(j.stopCondition?.detail).toContain('failed 2 sample(s) in a row');
  expect(j.faults[0].restore).toBe('restored');
  // The bound the product promises and checks: restored within one probe interval + 5 s of the last green sample.
  expect(j.stopCondition).toMatchObject({ boundMs: 2 * 200 + 5000, withinBound: true });
  expect(j.faults[0].restoredAt! - j.stopCondition!.lastGreenAt!).toBeLessThanOrEqual(2 * 200 + 5000);
  expect(w.clean()).toBe(true);
});

test('negative control: a restore slower than the bound is caught and reported', async () => {
  const w = new FakeWorld(['a']);
  w.restoreDelayMs = 6000;
  const spec = baseSpec({ continuous: [{ probe: 'up', every: '200ms', abortOnFail: true }], method: [pauseFault('10m')] });
  const j = await runWorkflow(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    w.probeOk = false;
  });
  expect(j.outcome).toBe('aborted');
  expect(j.stopCondition?.withinBound).toBe(false);
  expect(j.reasons.join('\n')).toMatch(/over the 5200 ms bound/);
});

test('negative control: the same failing probe without abortOnFail does not stop the run', async () => {
  const w = new FakeWorld(['a']);
  const spec = baseSpec({ continuous: [{ probe: 'up', every: '200ms' }], method: [pauseFault('3s')] });
  const j = await runWorkflow(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    w.probeOk = false;
  });
  expect(j.outcome).toBe('passed');
  expect(j.stopCondition).toBeUndefined();
  expect(j.continuous[0].samples.some((s) => !s.ok)).toBe(true);
});

test('pause freezes a fault window, resume continues it, the fault stays injected meanwhile', async () => {
  const w = new FakeWorld(['a']);
  const j = await runWorkflow(h, w, 'experiment', [baseSpec({ method: [pauseFault('2s'), { wait: '100ms' }] })], async (id) => {
    const handle = h.t.client.workflow.getHandle(id);
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    await handle.signal(pauseSignal, 'look at the dashboards');
    const paused = await waitStatus(h, id, (s) => s.paused === true);
    expect(paused.pauseReason).toBe('look at the dashboards');
    await new Promise((r) => setTimeout(r, 3000)); // longer than the whole window
    const still = await waitStatus(h, id, () => true);
    expect(still.activeFaults).toHaveLength(1);
    expect(still.windows?.[0].remainingMs).toBeGreaterThan(0);
    expect(w.clean()).toBe(false);
    await handle.signal(resumeSignal);
  });
  expect(j.outcome).toBe('passed');
  expect(j.controls?.map((c) => c.action)).toEqual(['pause', 'resume']);
  const [pause, resume] = j.controls!;
  // Its dead-man switch was re-armed by the time it was held.
  expect(w.calls).toContain('rearm:method[0]');
  // The window was held for the pause: the fault lasted its 2 s plus the time it was paused.
  expect(j.faults[0].restoredAt! - j.faults[0].injectedAt!).toBeGreaterThanOrEqual(2000 + (resume.at - pause.at) - 500);
  expect(w.clean()).toBe(true);
});

test('extend adds time to the open fault window; extend with nothing open is rejected', async () => {
  const w = new FakeWorld(['a']);
  const j = await runWorkflow(h, w, 'experiment', [baseSpec({ method: [pauseFault('1s')] })], async (id) => {
    const handle = h.t.client.workflow.getHandle(id);
    await expect(handle.executeUpdate(extendUpdate, { args: ['2h'] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    const armed = w.deadlines.get('method[0]');
    const r = await handle.executeUpdate(extendUpdate, { args: ['3s'] });
    expect(r.extendedMs).toBe(3000);
    expect(r.windows[0].remainingMs).toBeGreaterThan(2000);
    // The dead-man switch moved with the window, or the fault would revert itself mid-extension.
    expect(armed).toBeDefined();
    expect(w.deadlines.get('method[0]')).toBe(armed! + 3000);
  });
  expect(j.outcome).toBe('passed');
  expect(j.faults[0].restoredAt! - j.faults[0].injectedAt!).toBeGreaterThanOrEqual(3500);
  expect(j.controls?.[0]).toMatchObject({ action: 'extend', detail: '3s' });
});

test('a pause past the method is recorded and ignored: restores are never held', async () => {
  const w = new FakeWorld(['a']);
  w.restoreDelayMs = 3000;
  const spec = baseSpec({ method: [{ fault: { kind: 'container-pause', target: { service: 'a' } } }] });
  const j = await runWorkflow(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (s) => s.phase === 'restoring');
    await h.t.client.workflow.getHandle(id).signal(pauseSignal, 'too late');
    const s = await waitStatus(h, id, () => true);
    expect(s.paused).toBe(false);
  });
  expect(j.outcome).toBe('passed');
  expect(j.controls).toEqual([expect.objectContaining({ action: 'pause', detail: 'ignored in phase restoring: too late' })]);
  expect(w.clean()).toBe(true);
});
