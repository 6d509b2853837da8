/**
 * process-kill on real host processes: a copy of `sleep` under a name unique to this run (so no
 * other process on the shared machine can match), selected by name or by pid file, behind a worker
 * policy that allowlists exactly that name and names its restart command `sleeper`. The sleeper is
 * started through a shell that exits at once, so, like a real daemon, it is not a child of the
 * test process (the worker's own children are refused).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { injectFault, restoreFault, verifyFault } from '../../src/activities/faults';
import { hostOps } from '../../src/activities/host/processes';
import type { HostFaultPolicy } from '../../src/activities/policy';
import { systemClock } from '../../src/activities/ports';
import { HOST_TARGET, type FaultRecord } from '../../src/activities/types';
import { FaultSpec } from '../../src/spec/faults';
import { until } from '../helpers/until';
import { FakeContainerOps } from '../unit/fakes/container-ops';
import { fakeDrivers } from '../unit/fakes/world';

const dir = mkdtempSync(join(tmpdir(), 'fl4-proc-'));
const name = `fl4s${randomBytes(4).toString('hex')}`; // 12 characters: within the kernel's 15
const bin = join(dir, name);
const pidFile = join(dir, 'sleeper.pid');
const policy: HostFaultPolicy = { enabled: true, processes: [name], restarts: { sleeper: [bin, '300'] } };
// The host is real; the process fault needs no container, network or clone port.
const drivers = fakeDrivers(new FakeContainerOps(), systemClock, hostOps, policy);
let step = 0;

function sleeper(): void {
  spawn('/bin/sh', ['-c', '"$0" 300 & echo $! > "$1"', bin, pidFile], { stdio: 'ignore' }).unref();
}

function record(spec: Record<string, unknown>): FaultRecord {
  const parsed = FaultSpec.parse({ kind: 'process-kill', ...spec });
  const path = `method[${step++}]`;
  return { faultId: `fl4-proc/${path}`, stepPath: path, kind: parsed.kind, spec: parsed, targets: [HOST_TARGET] };
}

/** Waits until exactly `n` processes carry the test's name. */
const processesNamed = (n: number) =>
  until(`${n} process(es) named ${name}`, async () => (await hostOps.find({ name })).length === n, { timeoutMs: 5000, everyMs: 100 });

beforeAll(() => copyFileSync('/bin/sleep', bin));
beforeEach(async () => {
  sleeper();
  await processesNamed(1);
});
afterEach(async () => {
  for (const pid of await hostOps.find({ name })) hostOps.signal(pid, 'SIGKILL');
  await processesNamed(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('SIGKILL by exact name; restore runs the restart command; restore twice is harmless', async () => {
  const rec = record({ process: { name }, restart: 'sleeper' });
  const [pid] = await hostOps.find({ name });
  expect((await injectFault(drivers, rec)).details).toEqual([`process ${name}: sent SIGKILL to pid ${pid}`]);
  await processesNamed(0);
  expect((await verifyFault(drivers, rec)).residue).toEqual([`process ${name}: not running`]);
  // A retried inject finds nothing to kill, which is the fault holding.
  expect((await injectFault(drivers, rec)).details).toEqual([`process ${name}: not running (nothing to signal)`]);

  expect((await restoreFault(drivers, rec)).outcomes).toEqual([{ container: 'host', outcome: 'restored', detail: `started ${bin} 300` }]);
  const after = await hostOps.find({ name });
  expect(after).toHaveLength(1);
  expect(after[0]).not.toBe(pid);
  expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
  expect((await restoreFault(drivers, rec)).outcomes[0].outcome).toBe('already-clean');
  expect(await hostOps.find({ name })).toEqual(after);
});

test('SIGSTOP by pid file freezes it; restore sends SIGCONT', async () => {
  const rec = record({ process: { pidFile }, signal: 'SIGSTOP' });
  await injectFault(drivers, rec);
  const [pid] = await hostOps.find({ pidFile });
  await until('the process to stop', async () => (await hostOps.state(pid)) === 'stopped', { timeoutMs: 5000, everyMs: 100 });
  expect((await verifyFault(drivers, rec)).residue).toEqual([`process of ${pidFile}: pid ${pid} stopped`]);
  expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'restored', detail: `sent SIGCONT to pid ${pid}` });
  await until('the process to run again', async () => (await hostOps.state(pid)) === 'running', { timeoutMs: 5000, everyMs: 100 });
  expect(await hostOps.state(pid)).toBe('running');
  expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
});

test("without a policy that enables host faults nothing is signalled; the worker's own pid is refused under any allowlist", async () => {
  const [pid] = await hostOps.find({ name });
  const off = fakeDrivers(new FakeContainerOps(), systemClock, hostOps, { enabled: false, processes: [], restarts: {} });
  await expect(injectFault(off, record({ process: { name } }))).rejects.toMatchObject({ code: 'HostFaultRefused', retryable: false });
  const broad = fakeDrivers(new FakeContainerOps(), systemClock, hostOps, { enabled: true, processes: ['*'], restarts: {} });
  const self = { faultId: 'fl4-proc/self', stepPath: 'self', kind: 'process-kill', spec: { kind: 'process-kill', process: { pidFile: '/proc/self/stat' }, signal: 'SIGKILL' }, targets: [HOST_TARGET] } as FaultRecord;
  await expect(injectFault(broad, self)).rejects.toThrow(/is the worker or one of its ancestors/);
  expect(await hostOps.find({ name })).toEqual([pid]);
  expect(await hostOps.state(pid)).toBe('running');
});

test('without a restart command a killed process cannot be restored: a non-retryable error, and residue', async () => {
  const rec = record({ process: { name }, signal: 'SIGTERM' });
  await injectFault(drivers, rec);
  await processesNamed(0);
  await expect(restoreFault(drivers, rec)).rejects.toMatchObject({ code: 'RestoreImpossible', retryable: false });
  expect((await verifyFault(drivers, rec)).residue).toEqual([`process ${name}: not running`]);
});

test('restore with no inject leaves the running process alone', async () => {
  const before = await hostOps.find({ name });
  expect((await restoreFault(drivers, record({ process: { name }, restart: 'sleeper' }))).outcomes[0].outcome).toBe('already-clean');
  expect(await hostOps.find({ name })).toEqual(before);
});
