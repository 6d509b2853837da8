/**
 * The `chain` workflow on a real dev server with a fake activity world (its continuous probes and
 * parallel children take real time, which the time-skipping server skips past): children in serial and
 * parallel, overlapping fault windows, stop at the first failure (and continueOnFailure), a shared
 * stack, a named scenario type as a child, and abort.
 */
import type { ExperimentInput } from '../../src/spec';
import type { ChainResult } from '../../src/workflows/chain-children';
import { chainStatusQuery } from '../../src/workflows/chain-messages';
import { abortSignal, pauseSignal, resumeSignal, statusQuery } from '../../src/workflows/messages';
import { until } from '../helpers/until';
import { FakeWorld } from './fake-world';
import { type Harness, baseSpec, runWorkflow, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.teardown());

const exp = (name: string, service: string, o: Partial<ExperimentInput> = {}): ExperimentInput =>
  baseSpec({ name, steadyState: [], probes: {}, method: [{ fault: { kind: 'container-pause', target: { service } }, duration: '300ms' }], ...o });
const shared = { compose: '/nonexistent/compose.yml' };

test('serial children each run as a child workflow and pass', async () => {
  const w = new FakeWorld(['a', 'b']);
  const r = await runWorkflow<ChainResult>(h, w, 'chain', [{ name: 'two', steps: [{ experiment: exp('one', 'a') }, { experiment: exp('two', 'b') }] }]);
  expect(r.outcome).toBe('passed');
  expect(r.children.map((c) => [c.path, c.outcome])).toEqual([['steps[0]', 'passed'], ['steps[1]', 'passed']]);
  const d = await h.client.workflow.getHandle(r.children[0].workflowId).describe();
  expect(d.type).toBe('experiment');
  expect(d.parentExecution?.workflowId).toBe(r.workflowId);
  expect(w.calls.filter((c) => c === 'stackUp')).toHaveLength(2);
  expect(w.clean()).toBe(true);
});

test('the first failed child stops the chain; continueOnFailure runs the rest', async () => {
  const failing = exp('bad', 'a', { steadyState: [{ probe: 'up' }], probes: { up: { kind: 'tcp', service: 'a', port: 1 } } });
  const steps = [{ experiment: failing }, { experiment: exp('after', 'b') }];
  const w = new FakeWorld(['a', 'b']);
  w.probeOk = false;
  const stopped = await runWorkflow<ChainResult>(h, w, 'chain', [{ name: 'stops', steps }]);
  expect(stopped.outcome).toBe('failed');
  expect(stopped.children.map((c) => c.outcome)).toEqual(['failed']);
  expect(stopped.reasons[0]).toContain('steps[0] ended failed');

  const w2 = new FakeWorld(['a', 'b']);
  w2.probeOk = false;
  const all = await runWorkflow<ChainResult>(h, w2, 'chain', [{ name: 'goes-on', continueOnFailure: true, steps }]);
  expect(all.outcome).toBe('failed');
  expect(all.children.map((c) => c.outcome)).toEqual(['failed', 'passed']);
});

test('parallel and nested blocks overlap fault windows on a shared stack', async () => {
  const w = new FakeWorld(['a', 'b']);
  const r = await runWorkflow<ChainResult>(h, w, 'chain', [
    {
      name: 'overlap',
      sharedStack: shared,
      steps: [
        {
          parallel: [
            { fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '3s' },
            { serial: [{ wait: '1s' }, { fault: { kind: 'container-stop', target: { service: 'b' } }, duration: '3s' }] },
          ],
        },
      ],
    },
  ]);
  expect(r.outcome).toBe('passed');
  expect(r.children).toHaveLength(2);
  const [first, second] = await Promise.all(r.children.map((c) => h.client.workflow.getHandle(c.workflowId).result()));
  // The second window opened while the first was still open: the faults overlapped (workflow time).
  expect(second.faults[0].requestedAt).toBeLessThan(first.faults[0].restoreRequestedAt!);
  expect(second.faults[0].requestedAt).toBeGreaterThan(first.faults[0].requestedAt!);
  // One stack: started and torn down once by the chain, children leave it up.
  expect(w.calls.filter((c) => c === 'stackDown')).toHaveLength(1);
  expect(first.project).toBe(second.project);
  expect(w.clean()).toBe(true);
});

test('abort stops the chain and restores the running child', async () => {
  const w = new FakeWorld(['a', 'b']);
  const long = exp('long', 'a', { method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '10m' }] });
  const r = await runWorkflow<ChainResult>(h, w, 'chain', [{ name: 'aborted', steps: [{ experiment: long }, { experiment: exp('never', 'b') }] }], async (id) => {
    const handle = h.client.workflow.getHandle(id);
    await until('the first child to inject its fault', () => !w.clean(), { timeoutMs: 10_000, everyMs: 100 });
    expect((await handle.query(chainStatusQuery)).children).toHaveLength(1);
    await handle.signal(abortSignal, 'game day over');
  });
  expect(r.outcome).toBe('aborted');
  expect(r.children.map((c) => c.outcome)).toEqual(['aborted']);
  expect(r.reasons[0]).toContain('game day over');
  expect(w.clean()).toBe(true);
});

test('pause and resume on a chain reach its running child', async () => {
  const w = new FakeWorld(['a', 'b']);
  const first = exp('first', 'a', { method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '1s' }] });
  const r = await runWorkflow<ChainResult>(h, w, 'chain', [{ name: 'held', steps: [{ experiment: first }, { experiment: exp('second', 'b') }] }], async (id) => {
    const handle = h.client.workflow.getHandle(id);
    await until('the first child to inject its fault', () => !w.clean(), { timeoutMs: 10_000, everyMs: 100 });
    const child = h.client.workflow.getHandle(`${id}/steps[0]`);
    await handle.signal(pauseSignal, 'hold the game day');
    await until('the child to be paused', async () => (await child.query(statusQuery)).paused, { timeoutMs: 10_000, everyMs: 100 });
    expect((await handle.query(chainStatusQuery)).paused).toBe('hold the game day');
    // The child's 1 s window is held.
    await new Promise((res) => setTimeout(res, 1500));
    expect((await child.query(statusQuery)).paused).toBe(true);
    await handle.signal(resumeSignal);
    await until('the child to run on', async () => !(await child.query(statusQuery)).paused, { timeoutMs: 10_000, everyMs: 100 });
  });
  expect(r.outcome).toBe('passed');
  expect(r.children.map((c) => c.outcome)).toEqual(['passed', 'passed']);
  expect(w.clean()).toBe(true);
});

test('no new child starts while the chain is paused; resume starts it', async () => {
  const w = new FakeWorld(['a', 'b']);
  const steps = [{ experiment: exp('first', 'a') }, { wait: '1s' }, { experiment: exp('second', 'b') }];
  const r = await runWorkflow<ChainResult>(h, w, 'chain', [{ name: 'held-between', steps }], async (id) => {
    const handle = h.client.workflow.getHandle(id);
    await until('the first child to pass', async () => (await handle.query(chainStatusQuery)).children[0]?.outcome === 'passed', { timeoutMs: 10_000, everyMs: 50 });
    await handle.signal(pauseSignal, 'between rounds');
    // The chain's 1 s wait ends while it is paused; the next child must not start.
    await new Promise((res) => setTimeout(res, 2500));
    expect((await handle.query(chainStatusQuery)).children).toHaveLength(1);
    await handle.signal(resumeSignal);
  });
  expect(r.children.map((c) => [c.path, c.outcome])).toEqual([['steps[0]', 'passed'], ['steps[2]', 'passed']]);
  expect(r.outcome).toBe('passed');
});

test('a bare fault without a shared stack is rejected up front', async () => {
  const w = new FakeWorld(['a']);
  const err = await runWorkflow(h, w, 'chain', [{ name: 'bad', steps: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '1s' }] }]).catch((e: Error) => e);
  expect(String((err as Error & { cause?: Error }).cause?.message)).toContain('needs `sharedStack`');
  expect(w.calls).toEqual([]);
});
