/**
 * Continuous probes at the rate asked, on a real dev server with the real worker and activities:
 * a tcp probe against a listener on loopback, sampled every 250 ms by its prober through a 3 s
 * fault window (a process-kill of a copy of `sleep` this test starts, restarted by the restore). Before the prober, each sample was an activity and a workflow timer, and the dev
 * server fires a sub-second timer after about a second: the same run took about three samples and
 * a history that grew with each one. Counts, not speeds: the samples the window holds, and the
 * history events the whole run took.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { hostOps } from '../../src/activities/host/processes';
import { DEFAULT_POLICY, withHostPorts } from '../../src/activities/policy';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { createWorker } from '../../src/worker/create';
import { installRuntime } from '../../src/worker/runtime';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';

const dir = mkdtempSync(join(tmpdir(), 'fl-prober-rate-'));
const name = `flpr${randomBytes(4).toString('hex')}`;
const bin = join(dir, name);
let t: TestTemporal;
let server: Server;
let port: number;

beforeAll(async () => {
  installRuntime('ERROR');
  t = await startTestTemporal();
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  copyFileSync('/bin/sleep', bin);
});

afterAll(async () => {
  for (const pid of await hostOps.find({ name })) hostOps.signal(pid, 'SIGKILL');
  await new Promise((resolve) => server?.close(resolve));
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

test('a 250 ms probe over a 3 s window samples at least 9 times, and adds a constant few history events, not ones per sample', async () => {
  const exp: ExperimentInput = {
    name: 'prober-rate',
    hypothesis: 'the listener keeps accepting',
    probes: { up: { kind: 'tcp', host: '127.0.0.1', port, timeout: '1s' } },
    steadyState: [{ probe: 'up' }],
    continuous: [{ probe: 'up', every: '250ms' }],
    method: [{ fault: { kind: 'process-kill', process: { name }, restart: 'sleeper' }, duration: '3s' }],
  };
  spawn('/bin/sh', ['-c', '"$0" 300 &', bin], { stdio: 'ignore' }).unref();
  await until('the host process to start', async () => ((await hostOps.find({ name })).length > 0 ? true : undefined), { timeoutMs: 5000, everyMs: 100 });
  const taskQueue = `fl-prober-rate-${randomBytes(4).toString('hex')}`;
  const worker = await createWorker({
    connection: t.native,
    namespace: 'default',
    taskQueue,
    artifactsRoot: dir,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') }),
    // This host process and its restart, and the listener's port for the probe.
    policy: withHostPorts({ ...DEFAULT_POLICY, hostFaults: { enabled: true, processes: [name], restarts: { sleeper: [bin, '300'] } } }, [port]),
  });
  // The same run without the continuous probe, on the same worker: what everything else costs.
  const baselineId = `${taskQueue}-baseline`;
  const [journal, baseline] = await worker.runUntil(async () => {
    const j = (await t.client.workflow.execute('experiment', { taskQueue, workflowId: taskQueue, args: [exp] })) as Journal;
    await until('the restored host process', async () => ((await hostOps.find({ name })).length > 0 ? true : undefined), { timeoutMs: 10_000, everyMs: 100 });
    const b = (await t.client.workflow.execute('experiment', { taskQueue, workflowId: baselineId, args: [{ ...exp, continuous: [] }] })) as Journal;
    return [j, b] as const;
  });

  expect(journal.outcome).toBe('passed');
  const series = journal.continuous[0];
  expect(series.failed).toBe(0);
  const from = journal.faults[0].injectedAt!;
  const to = journal.faults[0].restoreRequestedAt!;
  // The fault's window as the journal saw it; 3 s at 250 ms is 12 intervals.
  expect(to - from).toBeGreaterThanOrEqual(3000);
  const inWindow = series.samples.filter((s) => s.at >= from && s.at <= from + 3000);
  expect(inWindow.length).toBeGreaterThanOrEqual(9);
  expect(series.total).toBe(series.samples.length);

  const history = await t.client.workflow.getHandle(taskQueue).fetchHistory();
  const events = history.events ?? [];
  expect(baseline.outcome).toBe('passed');
  const baselineEvents = (await t.client.workflow.getHandle(baselineId).fetchHistory()).events ?? [];
  // The old path cost at least five events per sample (an activity's three and a timer's two, plus
  // workflow tasks); the prober costs a constant few (its activity, the stop and read-back).
  const added = events.length - baselineEvents.length;
  expect(series.total).toBeGreaterThanOrEqual(12);
  expect(added).toBeLessThanOrEqual(20);
  expect(added).toBeLessThan((5 * series.total!) / 2);
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
  expect(scheduled.filter((n) => n === 'runProber')).toHaveLength(1);
  expect(scheduled.filter((n) => n === 'runProbe')).toHaveLength(1);
});
