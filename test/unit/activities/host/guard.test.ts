/**
 * The policy-guarded host port: every refusal is a non-retryable HostFaultRefused and nothing is
 * signalled or spawned; pid 1, the container daemons and the worker's own process tree are refused
 * even under an allowlist of "*"; restart commands come only from the policy, by name.
 */
import { injectFault, restoreFault } from '../../../../src/activities/faults';
import { guardHost } from '../../../../src/activities/host/guard';
import { hostOps } from '../../../../src/activities/host/processes';
import type { HostFaultPolicy } from '../../../../src/activities/policy';
import { HOST_TARGET, type FaultRecord } from '../../../../src/activities/types';
import { FaultlineError } from '../../../../src/errors';
import { FaultSpec } from '../../../../src/spec/faults';
import { FakeContainerOps } from '../../fakes/container-ops';
import { FakeHostOps } from '../../fakes/host-ops';
import { fakeDrivers } from '../../fakes/world';

const OFF: HostFaultPolicy = { enabled: false, processes: [], restarts: {} };
const ANY: HostFaultPolicy = { enabled: true, processes: ['*'], restarts: {} };

function record(spec: Record<string, unknown>): FaultRecord {
  // Parsed where the scenario allows it; selectors the schema refuses are passed raw, as a forged workflow input would.
  const parsed = FaultSpec.safeParse({ kind: 'process-kill', ...spec });
  const fault = (parsed.success ? parsed.data : { kind: 'process-kill', signal: 'SIGKILL', ...spec }) as FaultRecord['spec'];
  return { faultId: 'guard/method[0]', stepPath: 'method[0]', kind: 'process-kill', spec: fault, targets: [HOST_TARGET] };
}

async function refusal(p: Promise<unknown>): Promise<FaultlineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FaultlineError);
  expect((err as FaultlineError).retryable).toBe(false);
  return err as FaultlineError;
}

test('without a policy that enables host faults nothing is signalled', async () => {
  const host = new FakeHostOps();
  host.add('my-daemon');
  const err = await refusal(injectFault(fakeDrivers(new FakeContainerOps(), undefined, host, OFF), record({ process: { name: 'my-daemon' } })));
  expect(err.message).toMatch(/host faults are disabled on this worker/);
  expect(host.signals).toEqual([]);
});

test('a name off the allowlist is refused, by name and through a pid file', async () => {
  const host = new FakeHostOps();
  host.add('sshd', '/run/sshd.pid');
  const drivers = fakeDrivers(new FakeContainerOps(), undefined, host, { enabled: true, processes: ['my-daemon'], restarts: {} });
  expect((await refusal(injectFault(drivers, record({ process: { name: 'sshd' } })))).message).toMatch(/sshd is not on the worker's process allowlist/);
  expect((await refusal(injectFault(drivers, record({ process: { pidFile: '/run/sshd.pid' } })))).message).toMatch(/\(sshd\) is not on the worker's process allowlist/);
  expect(host.signals).toEqual([]);
});

test.each([['dockerd'], ['containerd'], ['containerd-shim-runc-v2'], ['temporal']])('%s is refused even when every name is allowed', async (name) => {
  const host = new FakeHostOps();
  host.add(name, '/run/daemon.pid');
  const drivers = fakeDrivers(new FakeContainerOps(), undefined, host, ANY);
  await refusal(injectFault(drivers, record({ process: { name } })));
  expect((await refusal(injectFault(drivers, record({ process: { pidFile: '/run/daemon.pid' } })))).message).toMatch(/never signalled/);
  expect(host.signals).toEqual([]);
});

test('pid 1 is refused even when every name is allowed', async () => {
  const host = new FakeHostOps();
  host.processes.set(1, { pid: 1, name: 'tini', state: 'running', ppid: 0 });
  host.pidFiles.set('/run/one.pid', 1);
  expect((await refusal(injectFault(fakeDrivers(new FakeContainerOps(), undefined, host, ANY), record({ process: { pidFile: '/run/one.pid' } })))).message).toMatch(/pid 1/);
  expect(host.signals).toEqual([]);
});

test("the worker, its ancestors and its children are refused: one refused match refuses the whole call", async () => {
  const host = new FakeHostOps();
  const parent = host.add('node');
  const worker = host.add('node', '/run/worker.pid', parent);
  host.add('helper', '/run/child.pid', worker);
  host.add('helper'); // not the worker's: would be allowed alone
  const port = guardHost(host, ANY, worker);
  await expect(port.find({ pidFile: '/run/worker.pid' })).rejects.toThrow(/is the worker or one of its ancestors/);
  await expect(port.find({ name: 'node' })).rejects.toThrow(/is the worker or one of its ancestors/);
  await expect(port.find({ pidFile: '/run/child.pid' })).rejects.toThrow(/is a child of the worker/);
  await expect(port.find({ name: 'helper' })).rejects.toThrow(/child of the worker/);
  expect(host.signals).toEqual([]);
});

test('pidFile /proc/self/stat names the real worker and is refused, and the schema refuses it first', async () => {
  const port = guardHost(hostOps, ANY);
  await expect(port.find({ pidFile: '/proc/self/stat' })).rejects.toThrow(new RegExp(`pid ${process.pid} .*is the worker`));
  expect(FaultSpec.safeParse({ kind: 'process-kill', process: { pidFile: '/proc/self/stat' } }).success).toBe(false);
});

test('restore restarts only with the policy command the fault names, or the process name selects', async () => {
  const host = new FakeHostOps();
  host.add('agent');
  const drivers = fakeDrivers(new FakeContainerOps(), undefined, host, { enabled: true, processes: ['agent'], restarts: { agent: ['/usr/sbin/agent'] } });
  const rec = record({ process: { name: 'agent' } });
  await injectFault(drivers, rec);
  expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'restored', detail: 'started /usr/sbin/agent' });

  const none = fakeDrivers(new FakeContainerOps(), undefined, host, { enabled: true, processes: ['agent'], restarts: {} });
  await injectFault(none, rec);
  const err = await refusal(restoreFault(none, rec));
  expect(err.message).toMatch(/the worker's policy has no restart command "agent"/);
  expect([...host.processes.values()]).toEqual([]);
});

test('restore and verify of a selector the worker refuses touch nothing and report why', async () => {
  const host = new FakeHostOps();
  const rec = record({ process: { name: 'agent' } });
  const r = await restoreFault(fakeDrivers(new FakeContainerOps(), undefined, host, OFF), rec);
  expect(r.outcomes[0]).toMatchObject({ outcome: 'already-clean', detail: expect.stringMatching(/nothing was done: host faults are disabled/) });
  expect(host.signals).toEqual([]);
});

test('a scenario cannot give restart argv, a refused name or a /proc pid file: validation errors', () => {
  const problems = (spec: Record<string, unknown>) => {
    const r = FaultSpec.safeParse({ kind: 'process-kill', ...spec });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  expect(problems({ process: { name: 'x' }, restart: ['/bin/sh', '-c', 'id > /tmp/pwned'] })).toEqual([
    expect.stringMatching(/^restart: a scenario cannot give a restart command: name one of the worker's policy/),
  ]);
  expect(problems({ process: { name: 'dockerd' } })).toEqual([expect.stringMatching(/^process.name: .*never signalled/)]);
  expect(problems({ process: { pidFile: '/proc/1/stat' } })).toEqual([expect.stringMatching(/^process.pidFile: a pid file under \/proc/)]);
  expect(problems({ process: { name: 'x' }, restart: 'my-daemon' })).toEqual([]);
});
