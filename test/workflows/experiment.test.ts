/**
 * The `experiment` workflow on the time-skipping test server with a fake activity world: saga order,
 * abort, cancel, half-applied injects, failing restores, residue and checks.
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { abortSignal } from '../../src/workflows/messages';
import { FakeWorld } from './fake-world';
import { type Harness, baseSpec, runWorkflow, startTimeSkippingHarness, waitStatus } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startTimeSkippingHarness();
});
afterAll(async () => h?.teardown());

const spec = (overrides: Partial<ExperimentInput> = {}): ExperimentInput =>
  baseSpec({ checks: [{ kind: 'time-to-green', probe: 'up', within: '10s' }], ...overrides });

/** Runs one experiment with a fresh worker on its own task queue; `during` may poke the run. */
const run = (world: FakeWorld, input: unknown, during?: (id: string) => Promise<void>): Promise<Journal> =>
  runWorkflow(h, world, 'experiment', [input], during);


test('a clean run passes and follows the saga order', async () => {
  const w = new FakeWorld(['a']);
  const j = await run(w, spec());
  expect(j.outcome).toBe('passed');
  expect(w.calls).toEqual([
    'validateStack', 'stackUp', 'probe', 'resolveTargets:a', 'acquireLease', 'inject:method[0]', 'restore:method[0]',
    'releaseLeases', 'timeToGreen', 'verify:method[0]', 'scanHelpers', 'collectLogs', 'stackDown', 'writeJournal',
  ]);
  expect(j.faults[0]).toMatchObject({ faultId: `${j.workflowId}/method[0]`, restore: 'restored', targets: ['a'] });
  expect(j.checks[0].passed).toBe(true);
  expect(w.clean()).toBe(true);
});

test('activity summaries read like the plan in the Web UI', async () => {
  const w = new FakeWorld(['a']);
  const j = await run(w, spec());
  const history = await h.client.workflow.getHandle(j.workflowId).fetchHistory();
  const summaries = (history.events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? []).toString() || '""') as string);
  expect(summaries).toEqual(
    expect.arrayContaining([
      'inject kill service a with SIGKILL -> a',
      'restore kill service a with SIGKILL',
      'time-to-green up within 10s',
      expect.stringMatching(/^steady state: up/),
    ]),
  );
});

test('a half-applied inject is still restored (compensation registered first)', async () => {
  const w = new FakeWorld(['a']);
  w.failInjectAfterApply = true;
  const j = await run(w, spec());
  expect(w.calls).toContain('restore:method[0]');
  expect(w.clean()).toBe(true);
  expect(j.outcome).toBe('error');
  expect(j.reasons.join('\n')).toContain('inject blew up halfway');
});

test('abort during a fault restores it and ends aborted', async () => {
  const w = new FakeWorld(['a']);
  const j = await run(w, spec({ method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '5m' }] }), async (id) => {
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    expect(w.clean()).toBe(false);
    await h.client.workflow.getHandle(id).signal(abortSignal, 'game day over');
  });
  expect(j.outcome).toBe('aborted');
  expect(j.reasons[0]).toContain('game day over');
  expect(w.calls.filter((c) => c.startsWith('restore:'))).toHaveLength(1);
  expect(w.clean()).toBe(true);
});

test('an abort while the inject is in flight lets it land, records it, then restores it', async () => {
  const w = new FakeWorld(['a']);
  w.injectDelayMs = 1500;
  const j = await run(w, spec({ method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '5m' }] }), async (id) => {
    while (!w.calls.includes('inject:method[0]')) await new Promise((r) => setTimeout(r, 20));
    await h.client.workflow.getHandle(id).signal(abortSignal, 'abort mid-inject');
  });
  expect(j.outcome).toBe('aborted');
  // The restore starts only after the inject has landed; otherwise the pause would be applied after its restore.
  const landed = w.calls.indexOf('inject-landed:method[0]');
  const restored = w.calls.indexOf('restore:method[0]');
  expect(landed).toBeGreaterThanOrEqual(0);
  expect(restored).toBeGreaterThan(landed);
  expect(j.faults[0].injectedAt).toEqual(expect.any(Number));
  expect(j.faults[0].restore).toBe('restored');
  expect(w.clean()).toBe(true);
});

test('cancelling the workflow still restores', async () => {
  const w = new FakeWorld(['a']);
  const j = await run(w, spec({ method: [{ fault: { kind: 'container-stop', target: { service: 'a' } } }, { wait: '5m' }] }), async (id) => {
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    await h.client.workflow.getHandle(id).cancel();
  });
  expect(j.outcome).toBe('aborted');
  expect(w.clean()).toBe(true);
});

test('a restore that cannot be done makes the run dirty', async () => {
  const w = new FakeWorld(['a']);
  w.failRestore = true;
  const j = await run(w, spec());
  expect(j.outcome).toBe('dirty');
  expect(j.faults[0].restore).toBe('failed');
  expect(j.reasons.join('\n')).toContain('docker refused');
});

test('residue found by the scan makes the run dirty', async () => {
  const w = new FakeWorld(['a']);
  w.reportResidue = true;
  const j = await run(w, spec());
  expect(j.outcome).toBe('dirty');
  expect(j.residue[0]).toContain('a still broken');
});

test('a steady state that does not hold fails the run before any fault', async () => {
  const w = new FakeWorld(['a']);
  w.probeOk = false;
  const j = await run(w, spec());
  expect(j.outcome).toBe('failed');
  expect(w.calls.some((c) => c.startsWith('inject:'))).toBe(false);
  expect(j.reasons[0]).toContain('steady state deviated');
});

test('a recovery slower than its bound fails the check', async () => {
  const w = new FakeWorld(['a']);
  w.greenAfterMs = 60_000;
  const j = await run(w, spec());
  expect(j.outcome).toBe('failed');
  expect(j.checks[0]).toMatchObject({ passed: false });
  expect(j.reasons.join('\n')).toContain('not green within 10s');
});

test('serial faults are restored newest first', async () => {
  const w = new FakeWorld(['a', 'b']);
  const j = await run(
    w,
    spec({
      method: [{ serial: [{ fault: { kind: 'container-pause', target: { service: 'a' } } }, { fault: { kind: 'container-kill', target: { service: 'b' } } }] }],
    }),
  );
  expect(j.outcome).toBe('passed');
  const restores = w.calls.filter((c) => c.startsWith('restore:'));
  expect(restores).toEqual(['restore:method[0].serial[1]', 'restore:method[0].serial[0]']);
  expect(w.clean()).toBe(true);
});

test('parallel faults are all injected and all restored', async () => {
  const w = new FakeWorld(['a', 'b']);
  const j = await run(
    w,
    spec({
      method: [{ parallel: [{ fault: { kind: 'container-pause', target: { service: 'a' } } }, { fault: { kind: 'container-stop', target: { service: 'b' } } }] }],
    }),
  );
  expect(j.outcome).toBe('passed');
  expect(j.faults.map((f) => f.restore)).toEqual(['restored', 'restored']);
  expect(w.calls.filter((c) => c.startsWith('inject:')).sort()).toEqual(['inject:method[0].parallel[0]', 'inject:method[0].parallel[1]']);
  expect(w.clean()).toBe(true);
});

test('invalid input fails the workflow with every problem and touches nothing', async () => {
  const w = new FakeWorld(['a']);
  const err = await run(w, { name: 'Bad Name', method: [] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as { type?: string; message: string };
  expect(cause.type).toBe('InvalidScenario');
  expect(cause.message).toContain('hypothesis');
  expect(cause.message).toContain('name');
  expect(w.calls).toEqual([]);
});
