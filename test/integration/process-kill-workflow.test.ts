/**
 * process-kill through the real `experiment` workflow and the real activities: no stack, no
 * container target (the workflow records the host pseudo-target), the process is killed, the
 * duration ends, the worker policy's restart command brings it back and the run passes clean.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { hostOps } from '../../src/activities/host/processes';
import { DEFAULT_POLICY } from '../../src/activities/policy';
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
  // Through a shell that exits at once: a real daemon is not a child of the worker (those are refused).
  spawn('/bin/sh', ['-c', '"$0" 300 &', bin], { stdio: 'ignore' }).unref();
  const [before] = await until('the host process to start', async () => {
    const pids = await hostOps.find({ name });
    return pids.length > 0 ? pids : undefined;
  }, { timeoutMs: 5000, everyMs: 100 });
  expect(before).toBeGreaterThan(0);

  const exp: ExperimentInput = {
    name: 'host-process-kill',
    hypothesis: 'a killed host process is started again by the restore',
    method: [{ fault: { kind: 'process-kill', process: { name }, restart: 'sleeper' }, duration: '1s' }],
  };
  const taskQueue = `fl4-procwf-${randomBytes(4).toString('hex')}`;
  const worker = await createWorker({
    connection: t.native,
    namespace: 'default',
    taskQueue,
    artifactsRoot: dir,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') }),
    // The operator's policy: this one name, and its restart command by name.
    policy: { ...DEFAULT_POLICY, hostFaults: { enabled: true, processes: [name], restarts: { sleeper: [bin, '300'] } } },
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

test('a worker whose policy does not enable host faults refuses the fault: nothing is signalled, the run does not pass', async () => {
  const [before] = await until('the host process to run', async () => {
    const pids = await hostOps.find({ name });
    return pids.length > 0 ? pids : undefined;
  }, { timeoutMs: 5000, everyMs: 100 });
  const exp: ExperimentInput = {
    name: 'host-process-kill-refused',
    hypothesis: 'a worker without a host-fault policy signals nothing',
    method: [{ fault: { kind: 'process-kill', process: { name } }, duration: '1s' }],
  };
  const taskQueue = `fl4-procwf-${randomBytes(4).toString('hex')}`;
  const worker = await createWorker({
    connection: t.native,
    namespace: 'default',
    taskQueue,
    artifactsRoot: dir,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') }),
    policy: DEFAULT_POLICY,
  });
  const journal = (await worker.runUntil(
    t.client.workflow.execute('experiment', { taskQueue, workflowId: taskQueue, args: [exp] }),
  )) as Journal;
  expect(journal.outcome).not.toBe('passed');
  expect(JSON.stringify(journal)).toMatch(/host faults are disabled on this worker/);
  expect(await hostOps.find({ name })).toEqual([before]);
});
