/**
 * Temporal server loss mid-fault, with `faultline run` waiting in the foreground (issue 12). The dev
 * server is SIGKILLed while a pause is held; while it is down the worker cannot restore, and the CLI
 * must neither give up nor write a journal. A server started again on the same database resumes
 * the run: the pause is restored, the CLI reports the run's real outcome (passed) and the journal
 * in the artifacts folder is the workflow's own result. Real dev server, worker process, Docker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { stackDown } from '../../src/activities/stack';
import type { Journal } from '../../src/report/journal';
import { type DevServer, ensureDevServer } from '../../src/temporal/dev-server';
import { statusQuery } from '../../src/workflows/messages';
import { docker, experiment, removeHelpersOf, targetState } from '../helpers/safety';
import { freePort } from '../helpers/net';
import { ROOT } from '../helpers/paths';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';
import { type WorkerProcess, spawnWorker } from '../helpers/worker-process';

let t: TestTemporal;
let dir: string;
let again: DevServer | undefined;
const workers: WorkerProcess[] = [];
const project = `fl-loss-${randomBytes(3).toString('hex')}`;
let cli: ChildProcess | undefined;

beforeAll(async () => {
  t = await startTestTemporal();
  dir = mkdtempSync(join(tmpdir(), 'fl-loss-'));
});

afterAll(async () => {
  if (cli && cli.exitCode === null) cli.kill('SIGKILL');
  for (const w of workers) await w.kill('SIGKILL');
  await removeHelpersOf(project);
  await stackDown(docker, project);
  await again?.stop();
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

test('the server SIGKILLed during a held pause: faultline run waits, the run resumes on a new server and passes', async () => {
  const artifacts = join(dir, 'artifacts');
  workers.push(await spawnWorker(t.address, artifacts, 'fl-loss-1'));
  const file = join(dir, 'loss.json');
  // A 20 s pause with a TTL well beyond the outage: the restore, not the dead-man switch, ends it.
  writeFileSync(file, JSON.stringify(experiment(project, [{ fault: { kind: 'container-pause', target: { service: 'sleeper' } }, duration: '20s' }], { grace: '60s' })));

  let text = '';
  cli = spawn(process.execPath, [join(ROOT, 'bin', 'faultline.js'), 'run', '--no-worker', '--workflow-id', project, file], {
    env: { ...process.env, TEMPORAL_ADDRESS: t.address, FAULTLINE_ARTIFACTS_DIR: artifacts },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cli.stdout?.on('data', (d) => (text += d));
  cli.stderr?.on('data', (d) => (text += d));
  const exit = new Promise<number | null>((ok) => cli!.once('exit', (code) => ok(code)));

  const handle = t.client.workflow.getHandle(project);
  await until('the pause to be held', async () => (await handle.query(statusQuery).catch(() => undefined))?.activeFaults.length === 1, { timeoutMs: 120_000, everyMs: 250 });
  expect(await targetState(project)).toEqual({ running: true, paused: true });

  // The server dies without a chance to say so.
  const port = Number(t.address.split(':')[1]);
  process.kill(t.server.pid, 'SIGKILL');
  await until('the CLI to notice the outage', () => text.includes('lost contact with Temporal'), { timeoutMs: 30_000, everyMs: 100 }).catch((e: Error) => {
    throw new Error(`${e.message}; CLI output:\n${text}`);
  });
  await new Promise((r) => setTimeout(r, 5000));
  // Still waiting: no outcome, no journal for a run that is alive.
  expect(cli.exitCode).toBeNull();
  expect(existsSync(join(artifacts, project, 'journal.json'))).toBe(false);
  expect(await targetState(project)).toEqual({ running: true, paused: true });

  again = await ensureDevServer({ port, uiPort: await freePort(), dir: t.dir, attached: true });
  const code = await exit;
  expect(text).toContain('answered again after');
  expect(code).toBe(0);
  expect(text).toContain('PASSED');

  const connection = await Connection.connect({ address: again.address });
  try {
    const journal = (await new Client({ connection }).workflow.getHandle(project).result()) as Journal;
    expect(journal.outcome).toBe('passed');
    expect(journal.faults[0].restore).toBe('restored');
    expect(journal.residue).toEqual([]);
    const written = JSON.parse(readFileSync(join(artifacts, project, 'journal.json'), 'utf8')) as Journal;
    expect(written.outcome).toBe(journal.outcome);
    expect(written.runId).toBe(journal.runId);
  } finally {
    await connection.close();
  }
  expect(await targetState(project)).toEqual({ running: true, paused: false });
});
