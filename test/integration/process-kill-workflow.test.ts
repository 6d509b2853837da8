/**
 * process-kill through the real `experiment` workflow and the real activities: no stack, no
 * container target (the workflow records the host pseudo-target), the process is killed, the
 * duration ends, the restart command brings it back and the run passes clean.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { hostOps } from '../../src/activities/host/processes';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { createWorker } from '../../src/worker/create';
import { installRuntime } from '../../src/worker/runtime';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';

const dir = mkdtempSync(join(tmpdir(), 'fl4-procwf-'));
const name = `fl4w${randomBytes(4).toString('hex')}`;
const bin = join(dir, name);
let t: TestTemporal;

beforeAll(async () => {
  installRuntime('ERROR');
  t = await startTestTemporal();
  copyFileSync('/bin/sleep', bin);
});

afterAll(async () => {
  for (const pid of await hostOps.find({ name })) hostOps.signal(pid, 'SIGKILL');
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

test('a host process is killed for the duration and restarted by the restore', async () => {
  spawn(bin, ['300'], { detached: true, stdio: 'ignore' }).unref();
  const [before] = await until('the host process to start', async () => {
    const pids = await hostOps.find({ name });
    return pids.length > 0 ? pids : undefined;
  }, { timeoutMs: 5000, everyMs: 100 });
  expect(before).toBeGreaterThan(0);

  const exp: ExperimentInput = {
    name: 'host-process-kill',
    hypothesis: 'a killed host process is started again by the restore',
    method: [{ fault: { kind: 'process-kill', process: { name }, restart: [bin, '300'] }, duration: '1s' }],
  };
  const taskQueue = `fl4-procwf-${randomBytes(4).toString('hex')}`;
  const worker = await createWorker({
    connection: t.native,
    namespace: 'default',
    taskQueue,
    artifactsRoot: dir,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') }),
  });
  const journal = (await worker.runUntil(
    t.client.workflow.execute('experiment', { taskQueue, workflowId: taskQueue, args: [exp] }),
  )) as Journal;

  expect(journal.outcome).toBe('passed');
  expect(journal.faults).toEqual([
    expect.objectContaining({ kind: 'process-kill', targets: ['host'], restore: 'restored', injectDetails: [`process ${name}: sent SIGKILL to pid ${before}`] }),
  ]);
  expect(journal.residue).toEqual([]);
  const after = await hostOps.find({ name });
  expect(after).toHaveLength(1);
  expect(after[0]).not.toBe(before);
});
