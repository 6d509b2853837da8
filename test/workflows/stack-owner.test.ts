/**
 * What the experiment and chain workflows tell the stack activities about ownership and attaching,
 * on the time-skipping server with the fake activity world: a compose stack is brought up and torn
 * down as the run's own (owner = workflow id + first run id); an attached stack is found with
 * attachStack and never started or torn down; a chain's children declare that they share the
 * chain's stack. The stack activities themselves are tested against Docker in
 * test/integration/stack-owner.test.ts and attach.test.ts.
 */
import type { ExperimentInput } from '../../src/spec';
import type { ChainResult } from '../../src/workflows/chain-children';
import { FakeWorld } from './fake-world';
import { type Harness, baseSpec, runWorkflow, startTimeSkippingHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startTimeSkippingHarness();
});
afterAll(async () => h?.teardown());

const spec = (overrides: Partial<ExperimentInput> = {}): ExperimentInput => baseSpec({ steadyState: [], probes: {}, ...overrides });

test('a compose stack is brought up and torn down as the run own, with its first run id', async () => {
  const w = new FakeWorld(['a']);
  const j = await runWorkflow(h, w, 'experiment', [spec()]);
  expect(j.outcome).toBe('passed');
  const d = await h.client.workflow.getHandle(j.workflowId).describe();
  const up = w.stackInputs.find((s) => s.call === 'stackUp');
  const down = w.stackInputs.find((s) => s.call === 'stackDown');
  expect(up?.owner).toEqual({ workflowId: j.workflowId, runId: d.runId });
  expect(down?.owner).toEqual(up?.owner);
  expect(down?.project).toBe(up?.project);
});

test('an attached stack is attached to, never started or torn down, and its faults still restored', async () => {
  const w = new FakeWorld(['a']);
  const j = await runWorkflow(h, w, 'experiment', [spec({ stack: { attach: { project: 'their-app' } } })]);
  expect(j.outcome).toBe('passed');
  expect(w.calls).toContain('attachStack');
  expect(w.calls).not.toContain('stackUp');
  expect(w.calls).not.toContain('stackDown');
  expect(w.calls).toContain('restore:method[0]');
  expect(w.stackInputs).toEqual([{ call: 'attachStack', project: 'their-app' }]);
  expect(j.project).toBe('their-app');
  expect(w.clean()).toBe(true);
});

test('a kept compose stack is not torn down (negative control for the attach case above)', async () => {
  const w = new FakeWorld(['a']);
  await runWorkflow(h, w, 'experiment', [spec({ stack: { compose: '/nonexistent/compose.yml', keep: true } })]);
  expect(w.calls).toContain('stackUp');
  expect(w.calls).not.toContain('stackDown');
});

test("a chain owns its shared stack and its children declare they share it", async () => {
  const w = new FakeWorld(['a']);
  const child = spec({ name: 'child', method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '300ms' }] });
  const r = await runWorkflow<ChainResult>(h, w, 'chain', [{ name: 'owned', sharedStack: { compose: '/nonexistent/compose.yml' }, steps: [{ experiment: child }] }]);
  expect(r.outcome).toBe('passed');
  const ups = w.stackInputs.filter((s) => s.call === 'stackUp');
  // The chain's own stack up first, then the child's adoption of it.
  expect(ups[0].owner?.workflowId).toBe(r.workflowId);
  expect(ups[1].owner?.workflowId).toBe(r.children[0].workflowId);
  expect(ups[1].stack).toMatchObject({ share: true, keep: true, project: ups[0].project });
  const downs = w.stackInputs.filter((s) => s.call === 'stackDown');
  expect(downs).toEqual([{ call: 'stackDown', project: ups[0].project, owner: ups[0].owner }]);
});

test('a chain on an attached shared stack never starts or tears it down; children attach', async () => {
  const w = new FakeWorld(['a']);
  const child = spec({ name: 'child', method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '300ms' }] });
  const r = await runWorkflow<ChainResult>(h, w, 'chain', [{ name: 'attached', sharedStack: { attach: { project: 'their-app' } }, steps: [{ experiment: child }] }]);
  expect(r.outcome).toBe('passed');
  expect(w.stackInputs).toEqual([{ call: 'attachStack', project: 'their-app' }]);
});
