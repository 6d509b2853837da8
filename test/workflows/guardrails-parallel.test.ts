/**
 * Parallel faults count each other against maxConcurrentFaultsPerRun before either holds its
 * target. On the dev server: on the time-skipping server the cancelled sibling branch hung the run
 * ("ACTIVITY_UNKNOWN" completing its activation), as other parallel tests here did before.
 */
import { GuardrailsSection } from '../../src/activities/guardrails/config';
import type { Journal } from '../../src/report/journal';
import { FakeWorld } from './fake-world';
import { type DevHarness, baseSpec, runWorkflow, startHarness } from './harness';

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
