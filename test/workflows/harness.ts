/**
 * One Temporal server and one workflow bundle per test file, a fresh worker per run on its own task
 * queue with a fake activity world, and polling of the status query. The server is either the real
 * dev server or the time-skipping test server, for tests whose runs wait on timers: there, awaiting a
 * result skips ahead to the next timer, and `sleep` lets workflow time pass without waiting it out.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ExperimentStatus, Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { statusQuery } from '../../src/workflows/messages';
import { installRuntime } from '../../src/worker/runtime';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { startTimeSkipping } from '../helpers/time-skipping';
import { until } from '../helpers/until';
import type { FakeWorld } from './fake-world';

export const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

export interface Harness {
  client: Client;
  native: NativeConnection;
  bundle: WorkflowBundleWithSourceMap;
  /** Lets `ms` of workflow time pass: skipped on the time-skipping server, waited out on the dev server. */
  sleep(ms: number): Promise<void>;
  teardown(): Promise<void>;
}

/** On the dev server, which tests that need its Web UI, CLI or address also reach through `t`. */
export interface DevHarness extends Harness {
  t: TestTemporal;
}

const bundleWorkflows = () => bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });

export async function startHarness(): Promise<DevHarness> {
  installRuntime('ERROR');
  const t = await startTestTemporal();
  const bundle = await bundleWorkflows();
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  return { t, client: t.client, native: t.native, bundle, sleep, teardown: () => t.teardown() };
}

export async function startTimeSkippingHarness(): Promise<Harness> {
  installRuntime('ERROR');
  const env = await startTimeSkipping();
  const bundle = await bundleWorkflows();
  return { client: env.client, native: env.nativeConnection, bundle, sleep: (ms) => env.sleep(ms), teardown: () => env.teardown() };
}

/** Runs one workflow with a fresh worker; `during` may poke the run while it is live. */
export async function runWorkflow<R = Journal>(
  h: Harness,
  world: FakeWorld,
  type: string,
  args: unknown[],
  during?: (id: string) => Promise<void>,
): Promise<R> {
  const taskQueue = `wf-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({ connection: h.native, taskQueue, workflowBundle: h.bundle, activities: world.activities() });
  return worker.runUntil(async () => {
    const handle = await h.client.workflow.start(type, { taskQueue, workflowId: taskQueue, args });
    if (during) await during(handle.workflowId);
    return (await handle.result()) as R;
  });
}

/** The run's status query answer, once it matches `pred`. */
export function waitStatus(h: Harness, id: string, pred: (s: ExperimentStatus) => boolean): Promise<ExperimentStatus> {
  return until(`the status of ${id} to match`, async () => {
    const s = await h.client.workflow.getHandle(id).query(statusQuery);
    return pred(s) ? s : undefined;
  }, { timeoutMs: 30_000, everyMs: 100 });
}

export function baseSpec(overrides: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    name: 'wf-test',
    hypothesis: 'the saga restores what it breaks',
    stack: { compose: '/nonexistent/compose.yml' },
    probes: { up: { kind: 'tcp', service: 'a', port: 1 } },
    steadyState: [{ probe: 'up' }],
    method: [{ fault: { kind: 'container-kill', target: { service: 'a' } } }],
    checks: [],
    ...overrides,
  };
}
