/**
 * Target leases with two real runs on one container (real Temporal, real Docker, a real worker
 * process), and the run-level residue scan: a Faultline helper left behind makes the run dirty.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { HELPER_IMAGE, LABEL } from '../../src/activities/safety/helpers';
import { acquireLease, releaseLeases } from '../../src/activities/safety/leases';
import { systemClock } from '../../src/activities/ports';
import { stackDown } from '../../src/activities/stack';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { TASK_QUEUE } from '../../src/temporal/search-attributes';
import { statusQuery } from '../../src/workflows/messages';
import { docker, experiment, helpersOf, removeHelpersOf, targetState } from '../helpers/safety';
import { until } from '../helpers/until';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';

/** Two runs on one stack: each declares it shares it (stacks have owners; leases are what this file is about). */
const shared = (e: ExperimentInput): ExperimentInput => ({ ...e, stack: { ...e.stack!, share: true } });
import { type WorkerProcess, spawnWorker } from '../helpers/worker-process';

let t: TestTemporal;
let artifacts: string;
let w: WorkerProcess;
const projects: string[] = [];
const runs: string[] = [];

beforeAll(async () => {
  t = await startTestTemporal();
  artifacts = mkdtempSync(join(tmpdir(), 'fl5b-lease-'));
  // No janitor: it would restore a terminated run's fault and free its lease before the TTL, which
  // is right for the product but races the expiry this file asserts.
  w = await spawnWorker(t.address, artifacts, 'fl5b-lease-worker', ['--no-janitor']);
});

afterAll(async () => {
  await w?.kill('SIGKILL');
  for (const r of runs) await removeHelpersOf(r);
  for (const p of projects) await stackDown(docker, p);
  await t?.teardown();
  rmSync(artifacts, { recursive: true, force: true });
});

const hex = () => randomBytes(3).toString('hex');
const pause = { kind: 'container-pause' as const, target: { service: 'sleeper' } };

function newProject(what: string): string {
  const p = `fl5b-${what}-${hex()}`;
  projects.push(p);
  return p;
}

async function start(exp: ExperimentInput, what: string): Promise<WorkflowHandle> {
  const workflowId = `fl5b-${what}-${hex()}`;
  runs.push(workflowId);
  return t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId, args: [exp] });
}

async function activityTypes(h: WorkflowHandle): Promise<string[]> {
  const history = await h.fetchHistory();
  return (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}

const injected = (h: WorkflowHandle) =>
  until('the fault to be injected', async () => (await h.query(statusQuery)).activeFaults.length > 0);

test('onBusy fail: the second run does not inject and names the holder', async () => {
  const project = newProject('lease-a');
  const first = await start(shared(experiment(project, [{ fault: pause, duration: '6s' }])), 'holder');
  await injected(first);
  const second = await start(shared(experiment(project, [{ fault: pause, duration: '2s' }], { lease: { onBusy: 'fail' } })), 'intruder');
  const j2 = (await second.result()) as Journal;
  expect(j2.outcome).toBe('error');
  expect(j2.faults).toEqual([]);
  expect(j2.reasons.join('\n')).toContain(`target ${project}-sleeper-1 is leased by run ${first.workflowId} (fault ${first.workflowId}/method[0])`);
  // The failed run never scheduled an inject. (Its stack-up adopted the shared stack, and adopting
  // unpauses a paused container, so the target's state here says nothing about the lease.)
  expect(await activityTypes(second)).not.toContain('injectFault');
  expect(await activityTypes(second)).toContain('acquireLease');
  const j1 = (await first.result()) as Journal;
  expect(j1.outcome).toBe('passed');
  expect(j2.residue).toEqual([]);
  expect(await helpersOf(first.workflowId)).toEqual([]);
});

test('onBusy wait: the second run injects only after the first restored and released', async () => {
  const project = newProject('lease-b');
  const first = await start(shared(experiment(project, [{ fault: pause, duration: '4s' }])), 'first');
  await injected(first);
  const second = await start(shared(experiment(project, [{ fault: pause, duration: '1s' }], { lease: { onBusy: 'wait', timeout: '60s' } })), 'second');
  const [j1, j2] = (await Promise.all([first.result(), second.result()])) as [Journal, Journal];
  expect([j1.outcome, j2.outcome]).toEqual(['passed', 'passed']);
  expect(j2.faults[0].injectedAt).toBeGreaterThanOrEqual(j1.faults[0].restoredAt ?? Infinity);
  expect(await targetState(project)).toEqual({ running: true, paused: false });
});

test("a dead run's lease does not block forever: it expires with the fault's TTL", async () => {
  const project = newProject('lease-c');
  const dead = await start(shared(experiment(project, [{ fault: pause, duration: '2s' }], { grace: '1s' })), 'dead');
  await injected(dead);
  const lease = await until('the lease', async () => (await helpersOf(dead.workflowId)).find((h) => h.kind === 'lease'));
  await dead.terminate('test: a run that dies holding a lease');
  const next = await start(shared(experiment(project, [{ fault: pause, duration: '1s' }], { lease: { onBusy: 'wait', timeout: '60s' } })), 'next');
  const j = (await next.result()) as Journal;
  expect(j.outcome).toBe('passed');
  // It waited for the expiry (the dead run's TTL), not less: the lease held while it was valid.
  expect(j.faults[0].injectedAt).toBeGreaterThanOrEqual(Number(lease.labels[LABEL.deadline]));
  expect(await targetState(project)).toEqual({ running: true, paused: false });
});

test('residue scan: a leftover reverter or other Faultline helper of the run makes the outcome dirty', async () => {
  const project = newProject('residue');
  const handle = await start(shared(experiment(project, [{ fault: pause, duration: '1s' }, { wait: '3s' }])), 'dirty');
  await injected(handle);
  // Helpers nobody will remove, labelled like Faultline's own: a reverter of a fault that was never
  // restored, and some other helper. The scan must report both.
  for (const [kind, fault] of [['reverter', `${handle.workflowId}/method[9]`], ['stray', '']]) {
    await docker.createContainer({
      name: `fl5b-${kind}-${hex()}`,
      Image: HELPER_IMAGE,
      Cmd: ['true'],
      Labels: { [LABEL.helper]: kind, [LABEL.run]: handle.workflowId, ...(fault ? { [LABEL.fault]: fault } : {}) },
    });
  }
  const j = (await handle.result()) as Journal;
  expect(j.outcome).toBe('dirty');
  expect(j.residue).toHaveLength(2);
  expect(j.residue[0]).toMatch(new RegExp(`^reverter container fl5b-reverter-\\w+ \\(created, fault ${handle.workflowId}/method\\[9\\]\\)$`));
  expect(j.residue[1]).toMatch(/^stray container fl5b-stray-/);
});

test('a lease is created from the helper image id, with no capability, no network and a read-only root', async () => {
  const run = `fl5b-lease-box-${hex()}`;
  const target = { id: hex().padEnd(12, '0'), name: `fl5b-lease-target-${hex()}` };
  expect(await acquireLease(docker, systemClock, { run, faultId: `${run}/method[0]`, targets: [target], expiresAt: Date.now() + 60_000 })).toEqual({ acquired: true });
  try {
    const [h] = await helpersOf(run);
    const info = await docker.getContainer(h.id).inspect();
    expect(info.Config.Image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(info.HostConfig).toMatchObject({ NetworkMode: 'none', CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'], ReadonlyRootfs: true });
    expect(info.HostConfig.Binds ?? []).toEqual([]);
  } finally {
    await releaseLeases(docker, run);
  }
});
