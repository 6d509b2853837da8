/**
 * A prober whose worker is SIGKILLed resumes on another worker: the heartbeat timeout notices the
 * dead one, the retry starts from the last heartbeat, the sequence numbers go on with no repeat,
 * and the time nothing was sampled is a gap in the journal's series. Real dev server, real worker
 * processes (node bin/faultline.js worker, so `npm run build` first), a tcp probe against a
 * listener on loopback; the fault is a process-kill of a copy of `sleep` this test starts, which
 * the restore starts again through the workers' policy.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSeries, seriesFile } from '../../src/activities/artifacts/series';
import { hostOps } from '../../src/activities/host/processes';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { TASK_QUEUE } from '../../src/temporal/search-attributes';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';
import { WorkerPool } from '../helpers/worker-process';

let t: TestTemporal;
let artifacts: string;
let server: Server;
let port: number;
const name = `flpk${randomBytes(4).toString('hex')}`;
const workers = new WorkerPool(() => artifacts);
const configBefore = process.env.FAULTLINE_WORKER_CONFIG;

beforeAll(async () => {
  t = await startTestTemporal();
  artifacts = mkdtempSync(join(tmpdir(), 'fl-prober-crash-'));
  copyFileSync('/bin/sleep', join(artifacts, name));
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  // The worker processes inherit it: their policy allows this one host process, its restart, and the listener's port.
  const config = join(artifacts, 'worker.json');
  const bin = join(artifacts, name);
  writeFileSync(config, JSON.stringify({ hostFaults: { enabled: true, processes: [name], restarts: { sleeper: [bin, '300'] } }, probes: { hostPorts: [port] } }));
  process.env.FAULTLINE_WORKER_CONFIG = config;
});

afterAll(async () => {
  if (configBefore === undefined) delete process.env.FAULTLINE_WORKER_CONFIG;
  else process.env.FAULTLINE_WORKER_CONFIG = configBefore;
  await workers.killAll();
  for (const pid of await hostOps.find({ name })) hostOps.signal(pid, 'SIGKILL');
  await new Promise((resolve) => server?.close(resolve));
  await t?.teardown();
  rmSync(artifacts, { recursive: true, force: true });
});

test('SIGKILL of the worker running a prober: it resumes on another worker and the gap is recorded', async () => {
  spawn('/bin/sh', ['-c', '"$0" 300 &', join(artifacts, name)], { stdio: 'ignore' }).unref();
  await until('the host process to start', async () => ((await hostOps.find({ name })).length > 0 ? true : undefined), { timeoutMs: 5000, everyMs: 100 });
  const exp: ExperimentInput = {
    name: 'prober-crash',
    hypothesis: 'the listener keeps accepting while a worker dies',
    probes: { up: { kind: 'tcp', host: '127.0.0.1', port, timeout: '1s' } },
    steadyState: [{ probe: 'up' }],
    continuous: [{ probe: 'up', every: '200ms' }],
    method: [{ fault: { kind: 'process-kill', process: { name }, restart: 'sleeper' } }, { wait: '25s' }],
  };
  const a = await workers.spawn(t.address, 'prober-a');
  const workflowId = `prober-crash-${randomBytes(4).toString('hex')}`;
  const handle = await t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId, args: [exp] });
  const file = seriesFile(artifacts, workflowId, 0, 'up');
  await until('the prober to write samples', () => existsSync(file) && readSeries(file).samples.length >= 5, { timeoutMs: 60_000, everyMs: 100 });
  await a.kill('SIGKILL');
  const killedAt = Date.now();
  await workers.spawn(t.address, 'prober-b');
  const journal = (await handle.result()) as Journal;

  expect(journal.reasons).toEqual([]);
  expect(journal.outcome).toBe('passed');
  const series = journal.continuous[0];
  expect(series.gaps).toHaveLength(1);
  const gap = series.gaps![0];
  expect(gap.attempt).toBeGreaterThanOrEqual(2);
  expect(gap.from).toBeLessThanOrEqual(killedAt);
  expect(gap.to).toBeGreaterThan(killedAt);
  expect(gap.missed).toBeGreaterThan(0);
  // Sampling went on after the gap, and the sequence numbers ran on across the two workers.
  expect(series.samples.filter((s) => s.at >= gap.to).length).toBeGreaterThan(0);
  const seqs = readSeries(series.file!).samples.map((s) => s.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs).toEqual([...Array(seqs.length).keys()].map((i) => i + 1));
  expect(series.total).toBe(seqs.length);
}, 180_000);
