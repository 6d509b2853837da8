/**
 * Runs shipped scenarios end to end for tests: a real dev server, the real `experiment` workflow
 * bundled once, a real worker (real Docker, real activities) on its own task queue, and the
 * scenario's stack under a fl4b- project. `edit` derives a variant (e.g. a negative control).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Journal } from '../../src/report/journal';
import type { Experiment } from '../../src/spec';
import { loadExperimentFile } from '../../src/spec/load';
import { createWorker, workflowsPath } from '../../src/worker/create';
import { installRuntime } from '../../src/worker/runtime';
import { type TestTemporal, startTestTemporal } from './temporal';

export const SCENARIOS = join(__dirname, '..', '..', 'scenarios');
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

export interface ScenarioRunner {
  temporal: TestTemporal;
  run(file: string, edit?: (e: Experiment) => void): Promise<Journal>;
  teardown(): Promise<void>;
}

export async function scenarioRunner(): Promise<ScenarioRunner> {
  installRuntime('ERROR');
  const temporal = await startTestTemporal();
  const bundle: WorkflowBundleWithSourceMap = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietLogger });
  const artifacts = mkdtempSync(join(tmpdir(), 'fl4b-artifacts-'));
  return {
    temporal,
    async run(file, edit) {
      const exp = loadExperimentFile(join(SCENARIOS, file));
      edit?.(exp);
      const id = `fl4b-${exp.name}-${randomBytes(3).toString('hex')}`;
      if (exp.stack) exp.stack.project = id;
      const worker = await createWorker({ connection: temporal.native, namespace: 'default', taskQueue: id, artifactsRoot: artifacts, workflowBundle: bundle });
      return worker.runUntil(async () => {
        const handle = await temporal.client.workflow.start('experiment', { taskQueue: id, workflowId: id, args: [exp] });
        return (await handle.result()) as Journal;
      });
    },
    async teardown() {
      await temporal.teardown();
      rmSync(artifacts, { recursive: true, force: true });
    },
  };
}

/** The reasons and failed checks, for an assertion message that says why a run did not pass. */
export const why = (j: Journal): string => [j.outcome, ...j.reasons, ...j.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.detail}`)].join('\n');

/** Registers one runner for the test file (dev server up in beforeAll, down in afterAll). */
export function scenarioSuite(): () => ScenarioRunner {
  let runner: ScenarioRunner | undefined;
  beforeAll(async () => {
    runner = await scenarioRunner();
  }, 120_000);
  afterAll(async () => runner?.teardown());
  return () => {
    if (!runner) throw new Error('the scenario runner did not start');
    return runner;
  };
}
