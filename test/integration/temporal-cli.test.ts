/**
 * Faultline driven through the real `temporal` CLI binary and the `faultline` control commands,
 * against a real dev server, a real worker process and real Docker: a named scenario type started
 * with no input, status query, pause/resume signals, an extend update, cancel, a stop condition,
 * the `abort --all` kill switch, and schedules (overlap SKIP).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { ExperimentStatus, Journal } from '../../src/report/journal';
import { stackDown } from '../../src/activities/stack/down';
import { temporalCliPath } from '../../src/temporal/config';
import { ROOT, exec } from '../helpers/exec';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';
import { type WorkerProcess, spawnWorker } from '../helpers/worker-process';

const docker = new Docker();
const ONE_NATS = join(ROOT, 'test', 'fixtures', 'compose', 'one-nats.yml');
let t: TestTemporal;
let worker: WorkerProcess;
let dir: string;

beforeAll(async () => {
  t = await startTestTemporal();
  dir = mkdtempSync(join(tmpdir(), 'fl5-cli-'));
  worker = await spawnWorker(t.address, join(dir, 'artifacts'), 'fl5-cli-worker');
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await t?.teardown();
  // Only this file's stacks (the kept ones and any a failed test left), networks included.
  for (const p of ['fl5-stop', 'fl5-cancel', 'fl5-killswitch', 'fl-fl5-named-kill']) await stackDown(docker, p).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const temporal = (args: string[]) => exec(temporalCliPath(), [...args, '--address', t.address]);
const faultline = (args: string[]) => exec(process.execPath, [join(ROOT, 'bin', 'faultline.js'), ...args], { TEMPORAL_ADDRESS: t.address });

async function cliStatus(id: string): Promise<ExperimentStatus | undefined> {
  const r = await temporal(['workflow', 'query', '-w', id, '--name', 'status', '-o', 'json']);
  if (r.code !== 0) return undefined;
  const q = (JSON.parse(r.stdout) as { queryResult: unknown }).queryResult;
  // The CLI prints empty lists as null, hence the `?? []` where lists are read below.
  const s = (Array.isArray(q) ? q[0] : q) as ExperimentStatus;
  return s;
}

/** The status, as the CLI reports it, once it matches `pred`. */
const statusWhen = (id: string, pred: (s: ExperimentStatus) => boolean, what: string): Promise<ExperimentStatus> =>
  until(`${id} to have ${what}`, async () => {
    const s = await cliStatus(id);
    return s && pred(s) ? s : undefined;
  });

const result = (id: string) => t.client.workflow.getHandle(id).result() as Promise<Journal>;

async function nats1(project: string): Promise<{ running: boolean; paused: boolean }> {
  const [c] = await docker.listContainers({ all: true, filters: { label: [`faultline.project=${project}`, 'faultline.service=nats-1'] } });
  const s = (await docker.getContainer(c.Id).inspect()).State;
  return { running: s.Running, paused: s.Paused };
}

function oneNatsInput(project: string, extra: Record<string, unknown>): string {
  const file = join(dir, `${project}.json`);
  const exp = {
    name: project,
    hypothesis: 'the saga restores the fault whatever ends the run',
    stack: { compose: ONE_NATS, project, keep: true },
    probes: { up: { kind: 'tcp', service: 'nats-1', port: 4222, timeout: '500ms' } },
    steadyState: [{ probe: 'up' }],
    method: [{ fault: { kind: 'container-pause', target: { service: 'nats-1' } }, duration: '5m' }],
    ...extra,
  };
  writeFileSync(file, JSON.stringify(exp));
  return file;
}

test('temporal workflow start --type natsKillRecovery with no input runs the scenario; query, pause and resume through the CLI', async () => {
  const id = 'fl5-named-kill';
  const started = await temporal(['workflow', 'start', '--type', 'natsKillRecovery', '--task-queue', 'faultline', '-w', id]);
  expect(started).toMatchObject({ code: 0 });
  await statusWhen(id, (s) => (s.activeFaults ?? []).length === 1, 'injected its fault');
  expect((await temporal(['workflow', 'signal', '-w', id, '--name', 'pause', '-i', '"hold for the CLI test"'])).code).toBe(0);
  const paused = await statusWhen(id, (s) => s.paused === true, 'paused');
  expect(paused.pauseReason).toBe('hold for the CLI test');
  expect((await faultline(['status', id])).stdout).toMatch(/PAUSED\s+hold for the CLI test/);
  expect((await temporal(['workflow', 'signal', '-w', id, '--name', 'resume'])).code).toBe(0);
  const j = await result(id);
  expect(j.experiment).toBe('nats-kill-recovery');
  expect(j.outcome).toBe('passed');
  expect(j.controls?.map((c) => c.action)).toEqual(['pause', 'resume']);
  expect(j.residue).toEqual([]);
  const listed = await temporal(['workflow', 'list', '--query', `WorkflowType="natsKillRecovery" AND FaultlineOutcome="passed"`, '-o', 'json']);
  expect(listed.stdout).toContain(id);
});

test('a stop condition aborts the run and the restore lands within one probe interval + 5 s (started with --input-file)', async () => {
  const project = 'fl5-stop';
  const file = oneNatsInput(project, {
    continuous: [{ probe: 'up', every: '500ms', abortOnFail: true }],
    method: [{ fault: { kind: 'container-kill', target: { service: 'nats-1' } } }, { wait: '5m' }],
  });
  expect((await temporal(['workflow', 'start', '--type', 'experiment', '--task-queue', 'faultline', '-w', project, '--input-file', file])).code).toBe(0);
  const j = await result(project);
  expect(j.outcome).toBe('aborted');
  expect(j.stopCondition?.probe).toBe('up');
  const fault = j.faults[0];
  expect(fault.restore).toBe('restored');
  // The product's bound, from its own journal: the fault began at injection. When the stop condition
  // trips in the same workflow task as the inject's completion, the journal lacks injectedAt (a known
  // gap, see the closing note of issue 9); the request time is earlier, so the bound from it is stricter.
  const from = fault.injectedAt ?? fault.requestedAt;
  expect({ from, restoredAt: fault.restoredAt }).toEqual({ from: expect.any(Number), restoredAt: expect.any(Number) });
  expect(fault.restoredAt! - from!).toBeLessThanOrEqual(500 + 5000);
  expect(j.stopCondition).toMatchObject({ boundMs: 5500, withinBound: true });
  expect(j.residue).toEqual([]);
  expect(await nats1(project)).toEqual({ running: true, paused: false });
});

test('extend through an update, cancel through the CLI, and the abort --all kill switch restore every fault', async () => {
  const [a, b] = ['fl5-cancel', 'fl5-killswitch'];
  for (const p of [a, b]) {
    expect((await temporal(['workflow', 'start', '--type', 'experiment', '--task-queue', 'faultline', '-w', p, '--input-file', oneNatsInput(p, {})])).code).toBe(0);
  }
  await Promise.all([a, b].map((p) => statusWhen(p, (s) => (s.activeFaults ?? []).length === 1, 'injected its fault')));
  expect(await nats1(b)).toEqual({ running: true, paused: true });

  const ext = await temporal(['workflow', 'update', 'execute', '-w', b, '--name', 'extend', '-i', '"30s"']);
  expect(ext.stdout).toContain('30000');
  const rejected = await temporal(['workflow', 'update', 'execute', '-w', b, '--name', 'extend', '-i', '"2h"']);
  expect(rejected.code).not.toBe(0);
  expect(rejected.stderr + rejected.stdout).toContain('at most 1h');

  expect((await temporal(['workflow', 'cancel', '-w', a])).code).toBe(0);
  const killed = await faultline(['abort', '--all', '--reason', 'game day over']);
  expect(killed.code).toBe(0);
  expect(killed.stdout).toContain(b);

  const [ja, jb] = await Promise.all([result(a), result(b)]);
  expect([ja.outcome, jb.outcome]).toEqual(['aborted', 'aborted']);
  expect(jb.reasons.join('\n')).toContain('game day over');
  expect(await nats1(a)).toEqual({ running: true, paused: false });
  expect(await nats1(b)).toEqual({ running: true, paused: false });
  expect((await faultline(['abort', '--all'])).stdout).toContain('no running Faultline runs');
});

test('faultline schedule creates game-day schedules with overlap SKIP, lists and deletes them', async () => {
  const byType = await faultline(['schedule', 'create', '--type', 'natsKillRecovery', '--id', 'fl5-gameday', '--every', '1h', '--paused']);
  expect(byType).toMatchObject({ code: 0 });
  const byFile = await faultline(['schedule', 'create', join(ROOT, 'scenarios', 'nats-kill-recovery.yaml'), '--id', 'fl5-weekly', '--cron', '0 10 * * 2', '--paused']);
  expect(byFile).toMatchObject({ code: 0 });
  for (const id of ['fl5-gameday', 'fl5-weekly']) {
    const d = await temporal(['schedule', 'describe', '--schedule-id', id, '-o', 'json']);
    const desc = JSON.parse(d.stdout) as { schedule: { policies: { overlapPolicy: string }; action: { startWorkflow: { workflowType: { name: string } } } } };
    expect(desc.schedule.policies.overlapPolicy).toMatch(/SKIP/);
    expect(desc.schedule.action.startWorkflow.workflowType.name).toBe(id === 'fl5-gameday' ? 'natsKillRecovery' : 'experiment');
  }
  const list = await faultline(['schedule', 'list']);
  expect(list.stdout).toMatch(/fl5-gameday\s+natsKillRecovery/);
  expect((await faultline(['schedule', 'create', '--type', 'noSuchType', '--id', 'fl5-x', '--every', '1h'])).stderr).toContain('no named scenario type');
  for (const id of ['fl5-gameday', 'fl5-weekly']) expect((await faultline(['schedule', 'delete', id])).code).toBe(0);
  // The worker's own janitor schedule stays; the game-day schedules are gone.
  const after = (await faultline(['schedule', 'list'])).stdout;
  expect(after).not.toMatch(/fl5-gameday|fl5-weekly/);
  expect(after).toMatch(/faultline-janitor\s+janitor/);
});
