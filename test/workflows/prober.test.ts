/**
 * Continuous probes as prober activities and short waits on the worker's clock, through the real
 * `experiment` workflow with the fake activity world (whose prober is the real loop and series file
 * around a fake observation). On the dev server: a prober is a long activity that heartbeats, and
 * the time-skipping server skips time past running activities (see controls.test.ts).
 */
import { readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import type { Journal } from '../../src/report/journal';
import { extendUpdate } from '../../src/workflows/messages';
import { FakeWorld } from './fake-world';
import { type Harness, baseSpec, runWorkflow, startHarness, waitStatus } from './harness';

const EventType = temporal.api.enums.v1.EventType;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.teardown());

const pauseFault = (duration: string) => ({ fault: { kind: 'container-pause' as const, target: { service: 'a' } }, duration });

async function historyOf(j: Journal) {
  const events = (await h.client.workflow.getHandle(j.workflowId).fetchHistory()).events ?? [];
  const activities = events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name ?? ''] : []));
  const timers = events.flatMap((e) => (e.timerStartedEventAttributes ? [Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0) * 1000 + Math.round((e.timerStartedEventAttributes.startToFireTimeout?.nanos ?? 0) / 1e6)] : []));
  const markers = events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length;
  return { events, activities, timers, markers };
}

test('a continuous probe runs as one prober: the whole series reaches the journal, no sample costs a history event', async () => {
  const w = new FakeWorld(['a']);
  const spec = baseSpec({ continuous: [{ probe: 'up', every: '200ms' }], method: [pauseFault('2s')] });
  const j = await runWorkflow(h, w, 'experiment', [spec]);
  expect(j.outcome).toBe('passed');
  const s = j.continuous[0];
  expect(s).toMatchObject({ id: 'up', everyMs: 200, elided: 0, failed: 0, gaps: [] });
  expect(s.total).toBe(s.samples.length);
  // The 2 s window alone holds ten intervals.
  expect(s.samples.length).toBeGreaterThanOrEqual(8);
  const ats = s.samples.map((x) => x.at);
  expect(ats).toEqual([...ats].sort((a, b) => a - b));
  // The file the journal names holds the same samples.
  const fileSamples = readFileSync(s.file!, 'utf8').split('\n').filter((l) => l.includes('"type":"sample"'));
  expect(fileSamples).toHaveLength(s.total!);
  const { activities } = await historyOf(j);
  expect(activities.filter((a) => a === 'runProber')).toHaveLength(1);
  // The only runProbe is the steady state's; before, every sample was one (and a timer).
  expect(activities.filter((a) => a === 'runProbe')).toHaveLength(1);
  expect(activities).toContain('stopProbers');
  expect(w.calls.filter((c) => c === 'prober:up')).toHaveLength(1);
});

test('a stop condition aborts at the sample that trips it and the fault is restored within the bound', async () => {
  const w = new FakeWorld(['a']);
  // A restore that takes a second (five intervals): the series must go on through it.
  w.restoreDelayMs = 1000;
  const spec = baseSpec({ continuous: [{ probe: 'up', every: '200ms', abortOnFail: true, failuresToAbort: 2 }], method: [pauseFault('10m')] });
  const j = await runWorkflow(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (st) => st.activeFaults.length === 1);
    w.probeOk = false;
  });
  expect(j.outcome).toBe('aborted');
  const hit = j.stopCondition!;
  expect(hit).toMatchObject({ probe: 'up', boundMs: 2 * 200 + 5000, withinBound: true });
  expect(hit.detail).toContain('failed 2 sample(s) in a row');
  // The tripping sample is the second failure in a row of the series: acted on at once, not samples later.
  const samples = j.continuous[0].samples;
  const i = samples.findIndex((x) => x.at === hit.at);
  expect(i).toBeGreaterThanOrEqual(2);
  expect(samples.slice(i - 2, i + 1).map((x) => x.ok)).toEqual([true, false, false]);
  expect(hit.lastGreenAt).toBe(samples[i - 2].at);
  expect(j.faults[0].restore).toBe('restored');
  expect(j.faults[0].restoreRequestedAt!).toBeGreaterThanOrEqual(hit.at);
  // The prober went on sampling through the restore: recovery is in the series.
  expect(samples.length).toBeGreaterThan(i + 1);
  expect(w.clean()).toBe(true);
});

test('negative control: the same failing probe without abortOnFail runs its window out', async () => {
  const w = new FakeWorld(['a']);
  const spec = baseSpec({ continuous: [{ probe: 'up', every: '200ms' }], method: [pauseFault('2s')] });
  const j = await runWorkflow(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (st) => st.activeFaults.length === 1);
    w.probeOk = false;
  });
  expect(j.outcome).toBe('passed');
  expect(j.stopCondition).toBeUndefined();
  expect(j.continuous[0].failed).toBeGreaterThanOrEqual(2);
});

test('waits and windows under 2 s are slept on the worker; 2 s and longer stay on workflow timers', async () => {
  const w = new FakeWorld(['a']);
  const spec = baseSpec({ method: [{ wait: '300ms' }, pauseFault('500ms'), { wait: '2s' }] });
  const j = await runWorkflow(h, w, 'experiment', [spec]);
  expect(j.outcome).toBe('passed');
  expect(w.calls).toEqual(expect.arrayContaining(['sleep:300', 'sleep:500']));
  const { activities, timers } = await historyOf(j);
  expect(activities.filter((a) => a === 'sleepFor')).toHaveLength(2);
  expect(timers).toContain(2000);
  expect(timers).not.toContain(300);
  expect(timers).not.toContain(500);
  // The window lasted at least what was asked: from the inject's end to the restore request.
  expect(j.faults[0].restoreRequestedAt! - j.faults[0].injectedAt!).toBeGreaterThanOrEqual(500);
});

test('extend reaches a short window timed on the worker: the sleep is cut and the window goes on', async () => {
  const w = new FakeWorld(['a']);
  const j = await runWorkflow(h, w, 'experiment', [baseSpec({ method: [pauseFault('1500ms')] })], async (id) => {
    await waitStatus(h, id, (st) => st.activeFaults.length === 1);
    await h.client.workflow.getHandle(id).executeUpdate(extendUpdate, { args: ['3s'] });
  });
  expect(j.outcome).toBe('passed');
  expect(j.controls?.map((c) => c.action)).toEqual(['extend']);
  expect(j.faults[0].restoreRequestedAt! - j.faults[0].injectedAt!).toBeGreaterThanOrEqual(1500 + 3000);
});
