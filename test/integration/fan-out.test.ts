/**
 * Many targets and the dead-man switch, with a real Temporal dev server, a real worker process and
 * real Docker. 1) 200 paused containers: every reverter's deadline (as its runner will read it) is
 * at least its own target's inject plus the TTL, and the lease is renewed to it; the deadlines the
 * old scheme set (counted from the lease, or from the arm) fail that same check, which is what made
 * the switch fire before the fault at 200 targets. 2) A moved deadline holds: the reverter does not
 * fire at the deadline it was armed with, and fires at the moved one. 3) A switch that fires before
 * the restore is due (a TTL shorter than the window) makes the run deviate, with a reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { injectFault, selfRevertFor } from '../../src/activities/faults';
import { HELPER_IMAGE, LABEL } from '../../src/activities/safety/helpers';
import { armReverters, disarmReverters, moveReverters } from '../../src/activities/safety/reverter';
import { stackDown } from '../../src/activities/stack';
import type { FaultRecord, InjectResult } from '../../src/activities/types';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput, FaultSpec } from '../../src/spec';
import { TASK_QUEUE } from '../../src/temporal/search-attributes';
import { statusQuery } from '../../src/workflows/messages';
import { realDrivers } from '../helpers/fault-drivers';
import { docker, experiment, helpersOf, removeHelpersOf } from '../helpers/safety';
import { until } from '../helpers/until';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { type WorkerProcess, spawnWorker } from '../helpers/worker-process';

const MANY = join(__dirname, '..', 'fixtures', 'compose', 'many-sleepers.yml');
const N = 200;

let t: TestTemporal;
let artifacts: string;
let w: WorkerProcess;
const projects: string[] = [];
const runs: string[] = [];
const made: string[] = [];
const drivers = realDrivers(docker);

beforeAll(async () => {
  t = await startTestTemporal();
  artifacts = mkdtempSync(join(tmpdir(), 'fl11-fanout-'));
  // No janitor: nothing here is orphaned, and its sweeps would only add load.
  w = await spawnWorker(t.address, artifacts, 'fl11-fanout-worker', ['--no-janitor']);
}, 120_000);

afterAll(async () => {
  await w?.kill('SIGKILL');
  for (const r of runs) await removeHelpersOf(r);
  // Best effort: a teardown problem is reported, but this file judges deadlines, not teardown.
  for (const p of projects) await stackDown(docker, p).catch((e: Error) => process.stderr.write(`fan-out cleanup of ${p}: ${e.message}\n`));
  for (const id of made) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
  await t?.teardown();
  rmSync(artifacts, { recursive: true, force: true });
}, 600_000);

const hex = () => randomBytes(3).toString('hex');

async function start(exp: ExperimentInput, workflowId: string): Promise<WorkflowHandle> {
  runs.push(workflowId);
  return t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId, args: [exp] });
}

/** The inject activity's input record and result, as the history holds them. */
async function injectCall(h: WorkflowHandle): Promise<{ input: FaultRecord; result: InjectResult }> {
  const events = (await h.fetchHistory()).events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'injectFault');
  const attrs = scheduled?.activityTaskScheduledEventAttributes;
  if (!scheduled || !attrs?.input?.payloads?.[0]) throw new Error('no injectFault in the history');
  const done = events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled.eventId));
  const payload = done?.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
  if (!payload) throw new Error('injectFault has not completed');
  return { input: defaultPayloadConverter.fromPayload<FaultRecord>(attrs.input.payloads[0]), result: defaultPayloadConverter.fromPayload<InjectResult>(payload) };
}

/** Runs a command in a container and returns its stdout and stderr. */
async function execOut(id: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  let out = '';
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (out += d.toString()));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve) => stream.on('end', () => resolve()));
  return out;
}

/** The deadline a reverter's runner will act on: the later of the one it was armed with and a move. */
async function effectiveDeadline(h: { id: string; labels: Record<string, string> }): Promise<number> {
  const moved = Number((await execOut(h.id, ['sh', '-c', 'cat /tmp/fl-deadline 2>/dev/null || true'])).trim() || 0);
  return Math.max(Number(h.labels[LABEL.deadline]), moved);
}

/** The targets whose deadline is earlier than their own inject plus the TTL: the invariant, as a list of violations. */
function shortDeadlines(deadlineOf: Map<string, number>, injectedAt: Map<string, number>, ttlMs: number): string[] {
  return [...injectedAt].flatMap(([target, at]) => {
    const d = deadlineOf.get(target);
    return d !== undefined && d >= at + ttlMs ? [] : [`${target}: deadline ${d ?? 'none'} < inject ${at} + ${ttlMs}`];
  });
}

/** Runs `fn` over items, 8 at a time (the test's own reads, kept off the engine's back). */
async function eight<T, R>(items: T[], fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 8) out.push(...(await Promise.all(items.slice(i, i + 8).map(fn))));
  return out;
}

test(`${N} targets: every reverter's deadline is at least its own target's inject plus the TTL, and the fault holds to its restore`, async () => {
  const project = `fl11-many-${hex()}`;
  projects.push(project);
  const exp: ExperimentInput = {
    name: 'fan-out',
    hypothesis: 'a fault on many targets holds for its whole window',
    // Stack-up starts containers one at a time today: 200 of them take minutes on a busy machine.
    stack: { compose: MANY, project, keep: true, healthTimeout: '15m' },
    method: [{ fault: { kind: 'container-pause', target: { service: 'sleeper' } }, duration: '30s' }],
    safety: { grace: '120s' },
  };
  const handle = await start(exp, project);
  await until('the fault', async () => (await handle.query(statusQuery)).activeFaults.length > 0, { timeoutMs: 420_000, everyMs: 500 });
  const { input, result } = await injectCall(handle);
  const ttlMs = 150_000;
  expect(input.ttlMs).toBe(ttlMs);
  expect(result.targets).toHaveLength(N);
  const injectedAt = new Map((result.targets ?? []).map((x) => [x.container, x.injectedAt]));
  const deadlineAt = result.deadlineAt ?? 0;

  const helpers = await helpersOf(handle.workflowId);
  const reverters = helpers.filter((h) => h.kind === 'reverter');
  expect(reverters).toHaveLength(N);
  expect(reverters.every((h) => h.state === 'running')).toBe(true);
  const effective = new Map(await eight(reverters, async (h) => [h.labels[LABEL.target], await effectiveDeadline(h)] as [string, number]));
  expect(effective.size).toBe(N);
  // The invariant, for every target, and each reverter holds the one deadline the run records.
  expect(shortDeadlines(effective, injectedAt, ttlMs)).toEqual([]);
  expect(new Set(effective.values())).toEqual(new Set([deadlineAt]));
  // Negative controls: the deadlines counted from the lease (the workflow's) and from the arm (the
  // reverters' labels) fail the same check, for some targets at least, at this scale.
  const fromLease = new Map([...injectedAt.keys()].map((k) => [k, input.deadlineAt ?? 0]));
  expect(shortDeadlines(fromLease, injectedAt, ttlMs).length).toBeGreaterThan(0);
  const fromArm = new Map(reverters.map((h) => [h.labels[LABEL.target], Number(h.labels[LABEL.deadline])]));
  expect(shortDeadlines(fromArm, injectedAt, ttlMs).length).toBeGreaterThan(0);
  // The leases were renewed to the deadline, so no other run may take a target the switch still holds.
  const leases = helpers.filter((h) => h.kind === 'lease');
  expect(leases).toHaveLength(N);
  expect(leases.filter((l) => Number(l.labels[LABEL.deadline]) < deadlineAt).map((l) => l.labels[LABEL.target])).toEqual([]);
  const first = Math.min(...injectedAt.values());
  const last = Math.max(...injectedAt.values());
  process.stdout.write(`fan-out ${N}: injects spread over ${last - first} ms; deadline ${deadlineAt - last} ms after the last inject\n`);

  const j = (await handle.result()) as Journal;
  expect(j.reasons).toEqual([]);
  expect(j.outcome).toBe('passed');
  expect(j.faults[0].restore).toBe('restored');
  expect(j.faults[0].restoreDetails).toHaveLength(N);
  expect(j.faults[0].restoreDetails?.filter((d) => d.includes('dead-man'))).toEqual([]);
  expect(j.faults[0].injectDetails?.filter((d) => d.endsWith(': paused'))).toHaveLength(N);
  expect(j.residue).toEqual([]);
  expect(await helpersOf(handle.workflowId)).toEqual([]);
  const states = await eight([...injectedAt.keys()], async (name) => (await docker.getContainer(name).inspect()).State);
  expect(states.filter((s) => s.Paused || !s.Running)).toEqual([]);
}, 900_000);

test('a moved deadline holds: the reverter does not fire at the one it was armed with, and fires at the moved one', async () => {
  const name = `fl11-move-target-${hex()}`;
  const c = await docker.createContainer({ name, Image: HELPER_IMAGE, Cmd: ['tini', '--', 'sleep', 'infinity'], HostConfig: { NetworkMode: 'none' } });
  made.push(c.id);
  await c.start();
  const run = `fl11-move-${hex()}`;
  runs.push(run);
  const spec: FaultSpec = { kind: 'container-pause', target: { container: 'x', mode: 'all' } };
  const armedAt = Date.now();
  const rec: FaultRecord = { faultId: `${run}/method[0]`, stepPath: 'method[0]', kind: spec.kind, spec, targets: [{ id: c.id, name }], deadlineAt: armedAt + 1500 };
  const armed = await armReverters(docker, rec, (r, target) => selfRevertFor(drivers, r, target));
  await injectFault(drivers, rec);
  const moved = armedAt + 6000;
  expect(await moveReverters(docker, armed.map((a) => a.name), moved)).toEqual(['moved']);
  // An earlier move later on is ignored: the deadline only ever moves later.
  expect(await moveReverters(docker, armed.map((a) => a.name), armedAt + 1000)).toEqual(['moved']);
  await new Promise((r) => setTimeout(r, Math.max(0, armedAt + 3500 - Date.now())));
  expect((await c.inspect()).State.Paused).toBe(true);
  await until('the moved deadline to fire', async () => !(await c.inspect()).State.Paused, { timeoutMs: 20_000, everyMs: 100 });
  const unpausedAt = Date.now();
  expect(unpausedAt).toBeGreaterThanOrEqual(moved - 200);
  const [h] = await helpersOf(run);
  await until('the reverter to exit', async () => (await docker.getContainer(h.id).inspect()).State.Status === 'exited', { timeoutMs: 10_000 });
  // A move that comes too late says so rather than claiming to have moved anything.
  expect(await moveReverters(docker, armed.map((a) => a.name), Date.now() + 60_000)).toEqual(['fired']);
  const [d] = await disarmReverters(docker, rec.faultId);
  expect(d).toMatchObject({ fired: true, exitCode: 0 });
  expect(d.firedAt).toBeGreaterThanOrEqual(moved);
}, 60_000);

test('a dead-man switch that fires before the restore is due makes the run deviate, with the reason in the journal', async () => {
  const project = `fl11-early-${hex()}`;
  projects.push(project);
  // The switch is set to 2 s, the window asks for 8 s: the fault cannot last as asked.
  const exp = experiment(project, [{ fault: { kind: 'container-pause', target: { service: 'sleeper' } }, duration: '8s', ttl: '2s' }]);
  const handle = await start(exp, project);
  const j = (await handle.result()) as Journal;
  expect(j.outcome).toBe('failed');
  expect(j.reasons).toHaveLength(1);
  expect(j.reasons[0]).toMatch(new RegExp(`^fault ${project}/method\\[0\\] did not last as asked: its dead-man switch reverted it before its restore was due at \\S+ \\(${project}-sleeper-1 at \\S+\\); raise its ttl or the safety grace$`));
  expect(j.faults[0].restore).toBe('already-clean');
  expect(j.faults[0].restoreDetails?.join(' ')).toContain('dead-man switch had fired (exit 0)');
  expect(j.residue).toEqual([]);
  expect(await helpersOf(handle.workflowId)).toEqual([]);
}, 180_000);
