/**
 * Runs whose activities take real time, on the real dev server: the time-skipping test server skips
 * workflow time while an activity is still running, so a fake restore that sleeps 6 s, or the
 * workloads and probes of a built-in scenario, would see their timeouts fire and be retried.
 * Everything else about controls and chains is in controls.test.ts and chain.test.ts.
 */
import type { ChainResult } from '../../src/workflows/chain-children';
import { pauseSignal } from '../../src/workflows/messages';
import { FakeWorld } from './fake-world';
import { type Harness, baseSpec, runWorkflow, startHarness, waitStatus } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.teardown());

const pauseFault = (duration: string) => ({ fault: { kind: 'container-pause' as const, target: { service: 'a' } }, duration });

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

test('a pause past the method is recorded and ignored: restores are never held', async () => {
  const w = new FakeWorld(['a']);
  w.restoreDelayMs = 3000;
  const spec = baseSpec({ method: [{ fault: { kind: 'container-pause', target: { service: 'a' } } }] });
  const j = await runWorkflow(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (s) => s.phase === 'restoring');
    await h.client.workflow.getHandle(id).signal(pauseSignal, 'too late');
    const s = await waitStatus(h, id, () => true);
    expect(s.paused).toBe(false);
  });
  expect(j.outcome).toBe('passed');
  expect(j.controls).toEqual([expect.objectContaining({ action: 'pause', detail: 'ignored in phase restoring: too late' })]);
  expect(w.clean()).toBe(true);
});

test('a named scenario type runs as a child with its built-in scenario', async () => {
  const w = new FakeWorld(['nats-1', 'nats-2', 'nats-3']);
  w.greenAfterMs = 0;
  const r = await runWorkflow<ChainResult>(h, w, 'chain', [{ name: 'named', steps: [{ scenario: 'nats-kill-recovery' }] }]);
  expect(r.children[0].type).toBe('natsKillRecovery');
  const d = await h.client.workflow.getHandle(r.children[0].workflowId).describe();
  expect(d.type).toBe('natsKillRecovery');
  expect(r.children[0].reasons).toEqual([]);
  expect(r.outcome).toBe('passed');
});
