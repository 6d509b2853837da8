/**
 * Workloads and history checks in the `experiment` workflow, on a real Temporal dev server with the
 * fake activity world: a fake gateway workload writes real history files, the real checkers judge
 * them. Covers ordering (workloads up before steady state, stopped before the history checks) and
 * the fail-closed negative control (a gateway that allows while its dependency is down).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { historyFile, readHistory } from '../../src/activities/workloads/history';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { installRuntime } from '../../src/worker/runtime';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { FakeWorld } from './fake-world';

let t: TestTemporal;
let bundle: WorkflowBundleWithSourceMap;
const worlds: FakeWorld[] = [];
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

beforeAll(async () => {
  installRuntime('ERROR');
  t = await startTestTemporal();
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });
});
afterAll(async () => {
  await t?.teardown();
  for (const w of worlds) rmSync(w.artifactsRoot, { recursive: true, force: true });
});

const gateway: ExperimentInput = {
  name: 'wf-workloads',
  hypothesis: 'the gateway fails closed while its policy engine is down',
  stack: { compose: '/nonexistent/compose.yml' },
  probes: { up: { kind: 'tcp', service: 'opa', port: 1 } },
  workloads: [{ id: 'api', kind: 'http-load', rate: '50/s', service: 'gateway', port: 8080, decisionField: 'decision' }],
  steadyState: [{ probe: 'up' }],
  method: [{ wait: '1s' }, { fault: { kind: 'container-kill', target: { service: 'opa' } }, duration: '1s' }, { wait: '1s' }],
  checks: [
    { kind: 'time-to-green', probe: 'up', within: '10s' },
    { id: 'closed', kind: 'fail-closed', workload: 'api' },
    { id: 'before', kind: 'success-rate', workload: 'api', min: 0.99, window: 'before' },
    { id: 'after', kind: 'success-rate', workload: 'api', min: 0.99, window: 'after' },
  ],
};

async function run(world: FakeWorld, input: ExperimentInput): Promise<Journal> {
  worlds.push(world);
  const taskQueue = `wl-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({ connection: t.native, taskQueue, workflowBundle: bundle, activities: world.activities() });
  return worker.runUntil(async () => {
    const handle = await t.client.workflow.start('experiment', { taskQueue, workflowId: taskQueue, args: [input] });
    return (await handle.result()) as Journal;
  });
}

test('workloads start before the steady state and stop before the history checks, which pass on a closed gateway', async () => {
  const w = new FakeWorld(['opa', 'gateway']);
  const j = await run(w, gateway);
  expect(j.reasons).toEqual([]);
  expect(j.outcome).toBe('passed');
  const at = (c: string) => w.calls.indexOf(c);
  expect(at('stackUp')).toBeLessThan(at('workload:api'));
  expect(at('workload:api')).toBeLessThan(at('probe'));
  expect(at('timeToGreen')).toBeLessThan(at('workload-stopped:api'));
  expect(at('workload-stopped:api')).toBeLessThan(at('check:closed'));
  const closed = j.checks.find((c) => c.id === 'closed');
  expect(closed?.passed).toBe(true);
  expect(closed?.evidence?.duringFaults).toBeGreaterThan(5);
  expect(closed?.evidence?.allowedCount).toBe(0);
  expect(j.checks.filter((c) => c.kind === 'success-rate').every((c) => c.passed)).toBe(true);
  expect(j.workloads).toEqual([expect.objectContaining({ id: 'api', startedAt: expect.any(Number), stoppedAt: expect.any(Number) })]);
  // The history on disk ends with the workload's stop marker: it stopped before the checks read it.
  const file = historyFile(w.artifactsRoot, j.workflowId, 'api');
  expect(readFileSync(file, 'utf8').trim().split('\n').at(-1)).toContain('"type":"stop"');
  expect(readHistory(file, 'api').stoppedAt).toBeDefined();
});

test('negative control: a gateway that fails open fails the check, naming the allowed requests', async () => {
  const w = new FakeWorld(['opa', 'gateway']);
  w.failOpen = true;
  const j = await run(w, gateway);
  expect(j.outcome).toBe('failed');
  const closed = j.checks.find((c) => c.id === 'closed');
  expect(closed?.passed).toBe(false);
  expect(closed?.detail).toMatch(/requests inside a fault window were allowed: \d+ \(.*api-\d+@/);
  expect(Number(closed?.evidence?.allowedCount)).toBeGreaterThan(5);
  expect(j.reasons.join('\n')).toContain('check closed failed');
});

test('a workload that reads a workload the experiment does not declare is rejected before anything runs', async () => {
  const w = new FakeWorld(['opa', 'gateway']);
  const bad = { ...gateway, checks: [{ kind: 'fail-closed' as const, workload: 'nope' }] };
  await expect(run(w, bad)).rejects.toThrow();
  expect(w.calls).toEqual([]);
});
