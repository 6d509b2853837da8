/**
 * Guardrail checks that need real time on the dev server: parallel faults count each other against
 * maxConcurrentFaultsPerRun before either holds its target (on the time-skipping server the
 * cancelled sibling branch hung the run, "ACTIVITY_UNKNOWN" completing its activation), and an
 * `extend` past maxFaultDuration is refused while the fault is held.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { extendUpdate } from '../../src/workflows/messages';
import { GuardrailsSection } from '../../src/activities/guardrails/config';
import type { Journal } from '../../src/report/journal';
import { FakeWorld } from './fake-world';
import { type DevHarness, baseSpec, runWorkflow, startHarness, waitStatus } from './harness';

let h: DevHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.teardown());

test('parallel faults count each other against maxConcurrentFaultsPerRun', async () => {
  const w = new FakeWorld(['a', 'b']);
  w.guardrails = GuardrailsSection.parse({ blastRadius: { maxConcurrentFaultsPerRun: 1 } });
  const spec = baseSpec({
    method: [
      {
        parallel: [
          { fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '5s' },
          { fault: { kind: 'container-pause', target: { service: 'b' } }, duration: '5s' },
        ],
      },
    ],
  });
  const j = await runWorkflow<Journal>(h, w, 'experiment', [spec]);
  expect(j.outcome).toBe('error');
  const refused = j.guardrails?.filter((g) => !g.allowed) ?? [];
  expect(refused).toHaveLength(1);
  expect(refused[0].verdicts.find((v) => v.rule === 'max-concurrent-faults-per-run')?.ok).toBe(false);
  expect(w.clean()).toBe(true);
});

test('an extend that would hold a fault past maxFaultDuration is refused; a smaller one is accepted', async () => {
  const w = new FakeWorld(['a']);
  w.guardrails = GuardrailsSection.parse({ blastRadius: { maxFaultDuration: '8s' } });
  const spec = baseSpec({ method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '3s' }] });
  let refused: unknown;
  const j = await runWorkflow<Journal>(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    const handle = h.client.workflow.getHandle(id);
    refused = await handle.executeUpdate(extendUpdate, { args: ['10s'] }).catch((e: unknown) => e);
    await handle.executeUpdate(extendUpdate, { args: ['1s'] });
  });
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(/guardrail max-fault-duration: method\[0\] would be held at least .* more than maxFaultDuration 8s/);
  expect(j.outcome).toBe('passed');
  expect(j.controls?.map((c) => [c.action, c.detail])).toEqual([['extend', '1s']]);
});

test('negative control: without maxFaultDuration the same extend is accepted', async () => {
  const w = new FakeWorld(['a']);
  const spec = baseSpec({ method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '3s' }] });
  const j = await runWorkflow<Journal>(h, w, 'experiment', [spec], async (id) => {
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    await h.client.workflow.getHandle(id).executeUpdate(extendUpdate, { args: ['10s'] });
  });
  expect(j.outcome).toBe('passed');
  expect(j.controls?.map((c) => c.action)).toEqual(['extend']);
}, 60_000);
