/**
 * Replays recorded histories against today's workflow code. A change that alters the commands a
 * workflow issues breaks runs that are in flight while a new build rolls out; this catches it
 * before it ships. The histories are refreshed only on purpose (test/workflows/record-histories.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { installRuntime } from '../../src/worker/runtime';
import { quietLogger } from './harness';
import { historyFromFile, readHistoryJson } from './history-file';

const DIR = join(__dirname, 'histories');
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Record<string, { workflowId: string; type: string }>;
const load = (name: string): unknown => readHistoryJson(join(DIR, `${name}.json`));

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  installRuntime('ERROR');
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });
});

test.each(Object.keys(index))('history %s replays on the current workflow code', async (name) => {
  const history = historyFromFile(load(name));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, index[name].workflowId)).resolves.toBeUndefined();
});

test('negative control: a history replayed on code that issues other commands is refused', async () => {
  // The clean experiment's history, claimed by the janitor workflow: its first command differs.
  const json = load('experiment-clean') as { events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType: { name: string } } }> };
  const started = json.events[0].workflowExecutionStartedEventAttributes;
  if (!started) throw new Error('the first event of a history is WorkflowExecutionStarted');
  started.workflowType.name = 'janitor';
  const history = historyFromFile(json);
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, index['experiment-clean'].workflowId)).rejects.toBeInstanceOf(
    DeterminismViolationError,
  );
});
