/**
 * The experiment workflow's guardrail checks on the time-skipping server with a fake activity world
 * (whose checkGuardrails runs the real decision module): one before the run, one before each
 * inject, each before anything of its fault is leased or injected; a refusal ends the run with
 * nothing injected and its verdicts in the journal.
 */
import { GuardrailsSection } from '../../src/activities/guardrails/config';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { FakeWorld } from './fake-world';
import { type Harness, baseSpec, runWorkflow, startTimeSkippingHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startTimeSkippingHarness();
});
afterAll(async () => h?.teardown());

const run = (world: FakeWorld, input: ExperimentInput): Promise<Journal> => runWorkflow(h, world, 'experiment', [input]);

const twoFaults = (): ExperimentInput =>
  baseSpec({
    method: [
      { fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '5s' },
      { wait: '1s' },
      { fault: { kind: 'container-kill', target: { service: 'b' } } },
    ],
  });

test('the guardrails are checked before the run and again before each inject, ahead of its lease and inject', async () => {
  const w = new FakeWorld(['a', 'b']);
  const j = await run(w, twoFaults());
  expect(j.outcome).toBe('passed');
  expect(w.guardrailChecks.map((c) => c.check)).toEqual(['run', 'inject:method[0]', 'inject:method[2]']);
  // The run check comes before the stack; each inject's check before its lease and its inject.
  expect(w.guardrailChecks[0].callsBefore).toBeLessThanOrEqual(w.calls.indexOf('stackUp'));
  for (const c of w.guardrailChecks.slice(1)) {
    const path = c.check.slice('inject:'.length);
    const inject = w.calls.indexOf(`inject:${path}`);
    expect(inject).toBeGreaterThanOrEqual(0);
    expect(c.callsBefore).toBeLessThanOrEqual(inject);
    // The lease of this fault is taken after its check.
    expect(w.calls.slice(c.callsBefore, inject)).toContain('acquireLease');
  }
  expect(j.guardrails?.map((g) => [g.stage, g.stepPath, g.allowed])).toEqual([
    ['run', undefined, true],
    ['inject', 'method[0]', true],
    ['inject', 'method[2]', true],
  ]);
  expect(j.guardrails?.[1].verdicts.map((v) => v.rule)).toEqual(expect.arrayContaining(['environment', 'denylist', 'chaos-enabled', 'max-containers-per-fault']));
});

test('production refuses before the stack comes up: no stack, no lease, no inject, the verdict in the journal', async () => {
  const w = new FakeWorld(['a', 'b']);
  w.guardrails = GuardrailsSection.parse({ environment: 'production' });
  const j = await run(w, twoFaults());
  expect(j.outcome).toBe('error');
  expect(w.calls).not.toContain('stackUp');
  expect(w.calls.filter((c) => c.startsWith('inject') || c === 'acquireLease')).toEqual([]);
  expect(j.faults).toEqual([]);
  expect(j.guardrails).toEqual([expect.objectContaining({ stage: 'run', allowed: false })]);
  expect(j.reasons.join('\n')).toMatch(/refused by the worker's guardrails: guardrail environment: environment is production/);
  expect(w.clean()).toBe(true);
});

test('a refusal before the second inject: the first fault was injected and restored, the second never requested', async () => {
  const w = new FakeWorld(['a', 'b']);
  w.foreign.add('b');
  const j = await run(w, twoFaults());
  expect(j.outcome).toBe('error');
  expect(w.calls).toContain('inject:method[0]');
  expect(w.calls).toContain('restore:method[0]');
  expect(w.calls).not.toContain('inject:method[2]');
  expect(j.faults.map((f) => f.stepPath)).toEqual(['method[0]']);
  const last = j.guardrails?.at(-1);
  expect(last).toMatchObject({ stage: 'inject', stepPath: 'method[2]', allowed: false });
  expect(last?.verdicts.find((v) => v.rule === 'chaos-enabled')).toMatchObject({ ok: false, refused: ['b'] });
  expect(w.clean()).toBe(true);
});

test('negative control: the same run passes once the worker enables chaos', async () => {
  const w = new FakeWorld(['a', 'b']);
  w.foreign.add('b');
  w.guardrails = GuardrailsSection.parse({ chaosEnabled: true });
  const j = await run(w, twoFaults());
  expect(j.outcome).toBe('passed');
  expect(w.calls).toContain('inject:method[2]');
});
