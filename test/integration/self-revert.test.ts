/**
 * Each container fault's self-revert script, run by a real reverter container against a real
 * target with only Docker involved: the fault is injected by its driver, the reverter is armed
 * with a deadline a moment away, and the target must be clean again without any restore call.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { injectFault, selfRevertFor, verifyFault } from '../../src/activities/faults';
import { HELPER_IMAGE } from '../../src/activities/safety/helpers';
import { armReverters as armWith, disarmReverters } from '../../src/activities/safety/reverter';
import type { FaultRecord } from '../../src/activities/types';
import type { FaultSpec } from '../../src/spec';
import { helpersOf } from '../helpers/safety';
import { until } from '../helpers/until';
import { realDrivers } from '../helpers/fault-drivers';

const docker = new Docker();
const drivers = realDrivers(docker);
const made: string[] = [];
const runs: string[] = [];
/** The reverters as the worker arms them, with the registry's self-revert scripts. */
const armReverters = (d: Docker, rec: FaultRecord) => armWith(d, rec, (r, target) => selfRevertFor(drivers, r, target));

afterAll(async () => {
  for (const r of runs) for (const h of await helpersOf(r)) await docker.getContainer(h.id).remove({ force: true }).catch(() => undefined);
  for (const id of made) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
});

async function target(): Promise<{ id: string; name: string }> {
  const name = `fl5b-revert-target-${randomBytes(3).toString('hex')}`;
  const c = await docker.createContainer({ name, Image: HELPER_IMAGE, Cmd: ['tini', '--', 'sleep', 'infinity'], HostConfig: { NetworkMode: 'none' } });
  made.push(c.id);
  await c.start();
  return { id: c.id, name };
}

async function state(id: string) {
  const s = (await docker.getContainer(id).inspect()).State;
  return { running: s.Running, paused: s.Paused, pid: s.Pid };
}

/** Process state letter of the container's main process (T = stopped by a signal). */
async function procState(id: string): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: ['sh', '-c', 'cut -d" " -f3 /proc/1/stat'], AttachStdout: true });
  const stream = await exec.start({});
  let out = '';
  await new Promise<void>((resolve) => {
    stream.on('data', (d: Buffer) => (out += d.toString()));
    stream.on('end', () => resolve());
  });
  return out.replace(/[^A-Z]/g, '');
}

const run = (rec: FaultRecord): string => rec.faultId.split('/')[0];

async function faultWithDeadline(spec: FaultSpec): Promise<{ rec: FaultRecord; id: string }> {
  const t = await target();
  const runId = `fl5b-selfrevert-${randomBytes(3).toString('hex')}`;
  runs.push(runId);
  const rec: FaultRecord = { faultId: `${runId}/method[0]`, stepPath: 'method[0]', kind: spec.kind, spec, targets: [t], deadlineAt: Date.now() + 1500 };
  expect(await armReverters(docker, rec)).toHaveLength(1);
  await injectFault(drivers, rec);
  return { rec, id: t.id };
}

/** A pause of a fresh target, not yet armed or injected, due `inMs` from now. */
async function pauseRecord(inMs: number) {
  const t = await target();
  const runId = `fl5b-selfrevert-${randomBytes(3).toString('hex')}`;
  runs.push(runId);
  const spec: FaultSpec = { kind: 'container-pause', target: { container: 'x', mode: 'all' } };
  const rec: FaultRecord = { faultId: `${runId}/method[0]`, stepPath: 'method[0]', kind: spec.kind, spec, targets: [t], deadlineAt: Date.now() + inMs };
  return { t, runId, rec };
}

test.each([
  ['container-pause', { kind: 'container-pause', target: { container: 'x', mode: 'all' } }],
  ['container-stop', { kind: 'container-stop', target: { container: 'x', mode: 'all' }, grace: '0s' }],
  ['container-kill', { kind: 'container-kill', target: { container: 'x', mode: 'all' }, signal: 'SIGKILL' }],
] as Array<[string, FaultSpec]>)('%s reverts itself at its deadline', async (_kind, spec) => {
  const { rec, id } = await faultWithDeadline(spec);
  const broken = await state(id);
  expect(broken.paused || !broken.running).toBe(true);
  await until('the target to be clean', async () => {
    const s = await state(id);
    return s.running && !s.paused ? true : undefined;
  }, { timeoutMs: 20_000 });
  // The target is back a moment before its reverter has printed its last line and exited.
  await until('the reverter to exit', async () => (await helpersOf(run(rec))).every((h) => h.state === 'exited'), { timeoutMs: 10_000 });
  const disarmed = await disarmReverters(docker, rec.faultId);
  // It reports when it fired (it finished reverting): not before its deadline, and in the past.
  expect(disarmed).toEqual([{ target: rec.targets[0].name, fired: true, exitCode: 0, firedAt: expect.any(Number) }]);
  expect(disarmed[0].firedAt).toBeGreaterThanOrEqual(rec.deadlineAt ?? Infinity);
  expect(disarmed[0].firedAt).toBeLessThanOrEqual(Date.now());
});

test('container-kill with SIGSTOP: the reverter thaws the frozen process', async () => {
  const { rec, id } = await faultWithDeadline({ kind: 'container-kill', target: { container: 'x', mode: 'all' }, signal: 'SIGSTOP' });
  expect(await procState(id)).toBe('T');
  await until('the process to run again', async () => (await procState(id)) !== 'T', { timeoutMs: 20_000, everyMs: 250 });
  await until('the reverter to exit', async () => (await helpersOf(run(rec))).every((h) => h.state === 'exited'), { timeoutMs: 10_000 });
  expect((await disarmReverters(docker, rec.faultId))[0].fired).toBe(true);
});

test('a reverter disarmed before its deadline never fires, and arming twice makes one', async () => {
  const { t, runId, rec } = await pauseRecord(60_000);
  await armReverters(docker, rec);
  await armReverters(docker, rec);
  expect((await helpersOf(runId)).filter((h) => h.state === 'running')).toHaveLength(1);
  expect(await disarmReverters(docker, rec.faultId)).toEqual([{ target: t.name, fired: false, exitCode: undefined }]);
  expect(await helpersOf(runId)).toEqual([]);
});

test('arming again with another deadline moves the switch (a run that is extended)', async () => {
  const { t, runId, rec } = await pauseRecord(600_000);
  await armReverters(docker, rec);
  await injectFault(drivers, rec);
  await armReverters(docker, { ...rec, deadlineAt: Date.now() + 1000 });
  await until('the moved deadline to fire', async () => ((await state(t.id)).paused ? undefined : true), { timeoutMs: 20_000 });
  expect(await helpersOf(runId)).toHaveLength(1);
});

test('container-restart arms no reverter: nothing is left to undo', async () => {
  const t = await target();
  const spec: FaultSpec = { kind: 'container-restart', target: { container: 'x', mode: 'all' }, grace: '0s' };
  const rec: FaultRecord = { faultId: 'fl5b-none/method[0]', stepPath: 'method[0]', kind: spec.kind, spec, targets: [t], deadlineAt: Date.now() + 1000 };
  expect(await armReverters(docker, rec)).toEqual([]);
});

/** The HostConfig and image of the run's one reverter, as Docker created it. */
async function reverterOf(runId: string) {
  const [h] = await helpersOf(runId);
  const info = await docker.getContainer(h.id).inspect();
  return { host: info.HostConfig, image: info.Image, configImage: info.Config.Image, env: info.Config.Env ?? [], cmd: (info.Config.Cmd ?? []).join(' ') };
}

const SOCKET_BIND = '/var/run/docker.sock:/var/run/docker.sock';

function expectHardened(r: Awaited<ReturnType<typeof reverterOf>>): void {
  expect(r.host.CapDrop).toEqual(['ALL']);
  expect(r.host.SecurityOpt).toEqual(['no-new-privileges:true']);
  expect(r.host.ReadonlyRootfs).toBe(true);
  expect(r.host.Memory).toBeGreaterThan(0);
  expect(r.host.PidsLimit).toBeGreaterThan(0);
  // Created from the image id, not the tag: a re-tag cannot change what it runs.
  expect(r.configImage).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(r.configImage).toBe(r.image);
}

test('a container-fault reverter: no capability, the socket, hardened; and it still reverts', async () => {
  const { t, runId, rec } = await pauseRecord(1500);
  await armReverters(docker, rec);
  await injectFault(drivers, rec);
  const r = await reverterOf(runId);
  expectHardened(r);
  expect(r.host.CapAdd ?? []).toEqual([]);
  expect(r.host.Binds).toEqual([SOCKET_BIND]);
  await until('the pause to revert', async () => ((await state(t.id)).paused ? undefined : true), { timeoutMs: 20_000 });
  await until('the reverter to exit', async () => (await helpersOf(runId)).every((h) => h.state === 'exited'), { timeoutMs: 10_000 });
  expect((await disarmReverters(docker, rec.faultId))[0]).toMatchObject({ fired: true, exitCode: 0 });
});

test('an iptables reverter: NET_ADMIN only, no socket; its rules are gone at the deadline', async () => {
  const t = await target();
  const runId = `fl5b-selfrevert-${randomBytes(3).toString('hex')}`;
  runs.push(runId);
  const spec: FaultSpec = { kind: 'network-partition', target: { container: 'x', mode: 'all' }, ports: [9], protocol: 'tcp', direction: 'both' };
  const rec: FaultRecord = { faultId: `${runId}/method[0]`, stepPath: 'method[0]', kind: spec.kind, spec, targets: [t], deadlineAt: Date.now() + 1500 };
  await armReverters(docker, rec);
  await injectFault(drivers, rec);
  expect((await verifyFault(drivers, rec)).residue.length).toBeGreaterThan(0);
  const r = await reverterOf(runId);
  expectHardened(r);
  expect(r.host.CapAdd).toEqual(['NET_ADMIN']);
  expect(r.host.Binds ?? []).toEqual([]);
  expect(r.host.NetworkMode).toBe(`container:${t.id}`);
  await until('the rules to be gone', async () => ((await verifyFault(drivers, rec)).residue.length === 0 ? true : undefined), { timeoutMs: 20_000 });
  await until('the reverter to exit', async () => (await helpersOf(runId)).every((h) => h.state === 'exited'), { timeoutMs: 10_000 });
  expect((await disarmReverters(docker, rec.faultId))[0]).toMatchObject({ fired: true, exitCode: 0 });
});

test('a Toxiproxy reverter: no capability, no socket, and the proxy name only in its environment', async () => {
  const t = await target();
  const runId = `fl5b-selfrevert-${randomBytes(3).toString('hex')}`;
  runs.push(runId);
  const spec: FaultSpec = { kind: 'network-latency', target: { container: 'x', mode: 'all' }, via: 'toxiproxy', proxy: 'orders_db', stream: 'downstream', toxicity: 1, latency: 100, jitter: 0 };
  const rec: FaultRecord = { faultId: `${runId}/method[0]`, stepPath: 'method[0]', kind: spec.kind, spec, targets: [t], deadlineAt: Date.now() + 600_000 };
  await armReverters(docker, rec);
  const r = await reverterOf(runId);
  expectHardened(r);
  expect(r.host.CapAdd ?? []).toEqual([]);
  expect(r.host.Binds ?? []).toEqual([]);
  expect(r.env).toContain('FL_PROXY=orders_db');
  expect(r.env.find((e) => e.startsWith('FL_SCRIPT='))).not.toContain('orders_db');
  expect(r.cmd).not.toContain('orders_db');
  await disarmReverters(docker, rec.faultId);
});
