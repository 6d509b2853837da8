/**
 * The core promise: a fault is restored even when the worker that injected it is SIGKILLed.
 * Real Temporal dev server, real Docker, real worker processes (node bin/faultline.js worker).
 * The second case also cancels the run while no worker is alive, so it fails if the restore phase
 * is not wrapped in CancellationScope.nonCancellable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import Docker from 'dockerode';
import { stackDown } from '../../src/activities/stack';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { TASK_QUEUE } from '../../src/temporal/search-attributes';
import { statusQuery } from '../../src/workflows/messages';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';
import { type WorkerProcess, WorkerPool } from '../helpers/worker-process';

const COMPOSE = join(__dirname, '..', '..', 'infra', 'docker', 'docker-compose.chaos.yml');
const docker = new Docker();
let t: TestTemporal;
let artifacts: string;
const projects: string[] = [];
const workers = new WorkerPool(() => artifacts);

beforeAll(async () => {
  t = await startTestTemporal();
  artifacts = mkdtempSync(join(tmpdir(), 'fl-crash-'));
});

afterAll(async () => {
  await workers.killAll();
  // The runs keep their stacks (keep: true) so the test can inspect them; remove them the product's way.
  for (const p of projects) await stackDown(docker, p);
  await t?.teardown();
  rmSync(artifacts, { recursive: true, force: true });
});

function experiment(project: string, method: ExperimentInput['method']): ExperimentInput {
  return {
    name: 'crash-test',
    hypothesis: 'faults are restored even when the worker is SIGKILLed',
    stack: { compose: COMPOSE, profiles: ['chaos-nats'], project, keep: true },
    probes: { roundtrip: { kind: 'nats', service: 'nats-1', port: 4222, timeout: '1s' } },
    steadyState: [{ probe: 'roundtrip' }],
    method,
    checks: [{ kind: 'time-to-green', probe: 'roundtrip', within: '30s' }],
  };
}

async function start(exp: ExperimentInput): Promise<WorkflowHandle> {
  const workflowId = `crash-${randomBytes(4).toString('hex')}`;
  return t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId, args: [exp] });
}

const worker = (name: string): Promise<WorkerProcess> => workers.spawn(t.address, name);

async function state(project: string, service: string) {
  const info = await docker.getContainer(`${project}-${service}-1`).inspect();
  return { running: info.State.Running, paused: info.State.Paused };
}

async function restoreEvents(handle: WorkflowHandle): Promise<{ scheduled: number; completed: number }> {
  const history = await handle.fetchHistory();
  const restoreIds = new Set<string>();
  let completed = 0;
  for (const e of history.events ?? []) {
    const sched = e.activityTaskScheduledEventAttributes;
    if (sched?.activityType?.name === 'restoreFault') restoreIds.add(String(e.eventId));
    const done = e.activityTaskCompletedEventAttributes;
    if (done && restoreIds.has(String(done.scheduledEventId))) completed++;
  }
  return { scheduled: restoreIds.size, completed };
}

test('SIGKILL while a fault is active: a new worker restores it and the run passes clean', async () => {
  const project = `flcrash-a-${randomBytes(3).toString('hex')}`;
  projects.push(project);
  const first = await worker('crash-a-1');
  const handle = await start(experiment(project, [{ fault: { kind: 'container-pause', target: { service: 'nats-1' } }, duration: '15s' }]));
  await until('the fault to be active', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  expect(await state(project, 'nats-1')).toEqual({ running: true, paused: true });

  await first.kill('SIGKILL');
  await worker('crash-a-2');
  const journal = (await handle.result()) as Journal;

  expect(journal.faults).toHaveLength(1);
  expect(journal.faults[0].restore).toBe('restored');
  expect(journal.residue).toEqual([]);
  expect(journal.outcome).toBe('passed');
  expect(await state(project, 'nats-1')).toEqual({ running: true, paused: false });
});

test('SIGKILL, then cancel while no worker is alive: the restore still runs (nonCancellable)', async () => {
  const project = `flcrash-b-${randomBytes(3).toString('hex')}`;
  projects.push(project);
  const first = await worker('crash-b-1');
  const handle = await start(
    experiment(project, [{ fault: { kind: 'container-stop', target: { service: 'nats-1' }, grace: '1s' } }, { wait: '5m' }]),
  );
  await until('the fault to be active', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  expect((await state(project, 'nats-1')).running).toBe(false);

  await first.kill('SIGKILL');
  await handle.cancel();
  await worker('crash-b-2');
  const journal = (await handle.result()) as Journal;

  expect(journal.outcome).toBe('aborted');
  expect(journal.faults[0].restore).toBe('restored');
  expect(journal.residue).toEqual([]);
  expect(await state(project, 'nats-1')).toEqual({ running: true, paused: false });
});

test('SIGKILL inside the restore phase: the interrupted restore is retried and completes', async () => {
  const project = `flcrash-c-${randomBytes(3).toString('hex')}`;
  projects.push(project);
  const first = await worker('crash-c-1');
  const stop = (service: string) => ({ fault: { kind: 'container-stop' as const, target: { service }, grace: '1s' } });
  const handle = await start(experiment(project, [stop('nats-1'), stop('nats-2'), stop('nats-3'), { wait: '2s' }]));

  // Kill the worker as soon as the first restore is scheduled: three sequential container starts
  // leave a window of several hundred milliseconds with restores still to do.
  await until('the restore phase', async () => (await restoreEvents(handle)).scheduled > 0, { timeoutMs: 120_000, everyMs: 20 });
  await first.kill('SIGKILL');
  const atKill = await restoreEvents(handle);
  expect(atKill.completed).toBeLessThan(3);

  await worker('crash-c-2');
  const journal = (await handle.result()) as Journal;

  // The restore the kill interrupted may have started its container before dying; its retry then
  // finds the container running ('already-clean'). Either way every fault must be undone.
  for (const f of journal.faults) expect(['restored', 'already-clean']).toContain(f.restore);
  expect(journal.faults.filter((f) => f.restore === 'restored').length).toBeGreaterThanOrEqual(2);
  expect(journal.residue).toEqual([]);
  expect(journal.outcome).toBe('passed');
  for (const s of ['nats-1', 'nats-2', 'nats-3']) expect(await state(project, s)).toEqual({ running: true, paused: false });
});
