/**
 * The cleanup promise in the cases Temporal skips. Real dev server, real Docker, real worker
 * processes. 1) The worker AND the Temporal server are stopped while a fault is active: the fault's
 * reverter container undoes it at its TTL, with nothing of Faultline alive. 2) A run is terminated
 * (no restore phase at all): the janitor schedule finds it through FaultlineFaults and restores it
 * long before the TTL; the same for a run closed by its execution timeout. All end with zero
 * residue: target clean, no reverter, no lease.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { LABEL } from '../../src/activities/safety/helpers';
import { stackDown } from '../../src/activities/stack';
import type { Journal } from '../../src/report/journal';
import { ensureDevServer } from '../../src/temporal/dev-server';
import { ensureJanitorSchedule } from '../../src/temporal/janitor-schedule';
import { TASK_QUEUE } from '../../src/temporal/search-attributes';
import { statusQuery } from '../../src/workflows/messages';
import { docker, experiment, helpersOf, removeHelpersOf, targetState } from '../helpers/safety';
import { until } from '../helpers/until';
import { freePort } from '../helpers/net';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { type WorkerProcess, spawnWorker } from '../helpers/worker-process';

let t: TestTemporal;
let artifacts: string;
const projects: string[] = [];
const runs: string[] = [];
const workers: WorkerProcess[] = [];
const extraServers: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => {
  t = await startTestTemporal();
  artifacts = mkdtempSync(join(tmpdir(), 'fl5b-dms-'));
});

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  for (const r of runs) await removeHelpersOf(r);
  for (const p of projects) await stackDown(docker, p);
  for (const s of extraServers) await s.stop();
  await t?.teardown();
  rmSync(artifacts, { recursive: true, force: true });
});

async function worker(name: string, address = t.address): Promise<WorkerProcess> {
  const w = await spawnWorker(address, artifacts, name);
  workers.push(w);
  return w;
}

const id = (what: string) => `fl5b-${what}-${randomBytes(3).toString('hex')}`;

async function restoredByJanitor(workflowId: string): Promise<string[] | undefined> {
  const out: string[] = [];
  for await (const w of t.client.workflow.list({ query: 'WorkflowType = "janitor" AND ExecutionStatus = "Completed"' })) {
    const r = (await t.client.workflow.getHandle(w.workflowId, w.runId).result()) as { runs: Array<{ workflowId: string; restored: string[] }> };
    for (const run of r.runs) if (run.workflowId === workflowId) out.push(...run.restored);
  }
  return out.length > 0 ? out : undefined;
}

async function reverterDeadline(run: string): Promise<number> {
  const r = await until('the reverter', async () => (await helpersOf(run)).find((h) => h.kind === 'reverter'));
  return Number(r.labels[LABEL.deadline]);
}

test.each([
  ['terminated', 'dms-b'],
  ['timed out', 'dms-c'],
] as const)('a run %s while a fault is active: the janitor restores it within 10 s, long before its TTL', async (how, tag) => {
  const project = id(tag);
  const workflowId = project;
  projects.push(project);
  runs.push(workflowId);
  // Created before any worker, so the workers find it in place and keep this short interval.
  await ensureJanitorSchedule(t.client, { every: '2s' });
  if (workers.length === 0) await worker('fl5b-dms-janitor');
  // Held until the end of a 5-minute method: a TTL of about 6 minutes, so only the janitor can be fast.
  const exp = experiment(project, [{ fault: { kind: 'container-pause', target: { service: 'sleeper' } } }, { wait: '5m' }], { grace: '60s' });
  // An execution timeout closes the run on the server with no cleanup, exactly like terminate.
  const timeout = how === 'timed out' ? { workflowExecutionTimeout: 12_000 } : {};
  const handle = await t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId, args: [exp], ...timeout });
  await until('the fault', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  expect(await targetState(project)).toEqual({ running: true, paused: true });
  const deadline = await reverterDeadline(workflowId);
  expect((await helpersOf(workflowId)).map((h) => h.kind).sort()).toEqual(['lease', 'reverter']);

  if (how === 'terminated') await handle.terminate('test: terminate skips the restore phase');
  const closed = await until('the run to close', async () => {
    const d = await handle.describe();
    return d.status.name !== 'RUNNING' ? d : undefined;
  }, { timeoutMs: 60_000, everyMs: 100 });
  expect(closed.status.name).toBe(how === 'terminated' ? 'TERMINATED' : 'TIMED_OUT');
  const closedAt = closed.closeTime?.getTime() ?? Date.now();
  const unpausedAt = await until('the janitor to unpause the target', async () => ((await targetState(project)).paused ? undefined : Date.now()), { timeoutMs: 60_000, everyMs: 100 });
  expect(unpausedAt - closedAt).toBeLessThanOrEqual(10_000);
  expect(unpausedAt).toBeLessThan(deadline - 60_000);
  // The janitor also removes the reverter and frees the lease: zero residue.
  await until('no helpers left', async () => (await helpersOf(workflowId)).length === 0, { timeoutMs: 20_000 });
  expect(await targetState(project)).toEqual({ running: true, paused: false });
  // The sweep that did it says so in its result (visibility may lag its completion by a moment).
  const restoredBy = await until('the janitor run that restored it', () => restoredByJanitor(workflowId), { timeoutMs: 20_000, everyMs: 500 });
  expect(restoredBy).toEqual([`${workflowId}/method[0]`]);
});

test('worker and Temporal server both stopped while a fault is active: the dead-man switch reverts it within TTL + 5 s', async () => {
  // The worker process creates the janitor schedule when it finds none (default interval 30 s). The
  // janitor leaves this run alone: it is still open when the control plane goes away.
  await t.client.schedule.getHandle('faultline-janitor').delete().catch(() => undefined);
  const project = id('dms-a');
  const workflowId = project;
  projects.push(project);
  runs.push(workflowId);
  for (const w of workers.splice(0)) await w.kill('SIGKILL');
  await worker('fl5b-dms-a-1');
  const schedule = await t.client.schedule.getHandle('faultline-janitor').describe();
  expect(schedule.spec.intervals?.[0]?.every).toBe(30_000);
  expect(schedule.action.type === 'startWorkflow' && schedule.action.workflowType).toBe('janitor');
  expect(schedule.policies.overlap).toBe('SKIP');
  const exp = experiment(project, [{ fault: { kind: 'container-pause', target: { service: 'sleeper' } }, duration: '4s' }], { grace: '2s' });
  const handle = await t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId, args: [exp] });
  await until('the fault', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  expect(await targetState(project)).toEqual({ running: true, paused: true });
  const deadline = await reverterDeadline(workflowId);

  // The whole control plane goes away: worker SIGKILLed, dev server stopped.
  for (const w of workers) await w.kill('SIGKILL');
  const port = Number(t.address.split(':')[1]);
  await t.server.stop();

  const unpausedAt = await until('the target to be unpaused', async () => ((await targetState(project)).paused ? undefined : Date.now()), { timeoutMs: 60_000, everyMs: 100 });
  expect(unpausedAt).toBeLessThanOrEqual(deadline + 5000);
  // Not earlier than the deadline: it was the switch, not a restore that slipped out before the stop.
  expect(unpausedAt).toBeGreaterThanOrEqual(deadline - 200);
  // The target is back a moment before the reverter has printed its last line and exited.
  const fired = await until('the reverter to exit', async () => (await helpersOf(workflowId)).find((h) => h.kind === 'reverter' && h.state === 'exited'), { timeoutMs: 10_000 });
  const logs = (await docker.getContainer(fired.id).logs({ stdout: true, stderr: true })).toString();
  expect(logs).toContain('unpaused');

  // Bring the control plane back: the run resumes, finds the target clean and leaves no residue.
  const again = await ensureDevServer({ port, uiPort: await freePort(), dir: t.dir, attached: true });
  extraServers.push(again);
  const connection = await Connection.connect({ address: again.address });
  try {
    const client = new Client({ connection });
    await worker('fl5b-dms-a-2', again.address);
    const journal = (await client.workflow.getHandle(workflowId).result()) as Journal;
    expect(journal.faults[0].restore).toBe('already-clean');
    expect(journal.faults[0].restoreDetails?.join(' ')).toContain('dead-man switch had fired (exit 0)');
    expect(journal.residue).toEqual([]);
    expect(journal.outcome).toBe('passed');
  } finally {
    await connection.close();
  }
  expect(await helpersOf(workflowId)).toEqual([]);
  expect(await targetState(project)).toEqual({ running: true, paused: false });
});
