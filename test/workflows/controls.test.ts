/**
 * Live controls of the `experiment` workflow with a fake activity world, on a real dev server:
 * stop conditions, pause/resume (windows freeze and continue), extend (and its rejections).
 * Durations are asserted in workflow time (requestedAt, restoreRequestedAt, controls[].at), never
 * in the wall-clock time the test happened to take. These runs sample continuous probes every
 * 200 ms with activities that take real time; on the time-skipping server a sample could hang past
 * the test's timeout (seen twice on a loaded machine), so they stay on the dev server.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { extendUpdate, pauseSignal, resumeSignal } from '../../src/workflows/messages';
import type { Journal } from '../../src/report/journal';
import { FakeWorld } from './fake-world';
import { type Harness, baseSpec, runWorkflow, startHarness, waitStatus } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.teardown());

/** How long the first fault was held, in workflow time: from asking for the inject to asking for the restore. */
const windowMs = (j: Journal) => j.faults[0].restoreRequestedAt! - j.faults[0].requestedAt!;

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
    const handle = h.client.workflow.getHandle(id);
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    await handle.signal(pauseSignal, 'look at the dashboards');
    const paused = await waitStatus(h, id, (s) => s.paused === true);
    expect(paused.pauseReason).toBe('look at the dashboards');
    await h.sleep(3000); // longer than the whole window
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
  expect(resume.at - pause.at).toBeGreaterThanOrEqual(3000);
  expect(windowMs(j)).toBeGreaterThanOrEqual(2000 + (resume.at - pause.at));
  expect(w.clean()).toBe(true);
});

test('extend adds time to the open fault window; extend with nothing open is rejected', async () => {
  const w = new FakeWorld(['a']);
  const j = await runWorkflow(h, w, 'experiment', [baseSpec({ method: [pauseFault('1s')] })], async (id) => {
    const handle = h.client.workflow.getHandle(id);
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
  // Its 1 s plus the 3 s of the extension, in workflow time.
  expect(windowMs(j)).toBeGreaterThanOrEqual(4000);
  expect(j.controls?.[0]).toMatchObject({ action: 'extend', detail: '3s' });
});
