/**
 * The dockerode adapter's mapping of Docker's answers, on a real container: repeats are `already`
 * (304, "already paused", "is not paused"), impossible moves are ContainerConflict, 404 is gone.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { createContainerOps } from '../../src/activities/docker/container-ops';

const docker = new Docker();
const ops = createContainerOps(docker);
const PROJECT = `fltest-ops-${randomBytes(4).toString('hex')}`;
let id: string;

beforeAll(async () => {
  const c = await docker.createContainer({
    Image: 'faultline/nats:local',
    name: `${PROJECT}-nats-1`,
    Labels: { 'faultline.project': PROJECT, 'faultline.service': 'nats', role: 'solo' },
  });
  id = c.id;
});

afterAll(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [`faultline.project=${PROJECT}`] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
});

it('lists by project, service, name and labels, including stopped containers', async () => {
  const ref = { id, name: `${PROJECT}-nats-1`, service: 'nats' };
  expect(await ops.list({ project: PROJECT })).toEqual([ref]);
  expect(await ops.list({ project: PROJECT, service: 'nats' })).toEqual([ref]);
  expect(await ops.list({ project: PROJECT, name: `${PROJECT}-nats-1` })).toEqual([ref]);
  expect(await ops.list({ project: PROJECT, name: 'nats-1' })).toEqual([]);
  expect(await ops.list({ project: PROJECT, labels: { role: 'solo' } })).toEqual([ref]);
  expect(await ops.list({ project: PROJECT, labels: { role: 'other' } })).toEqual([]);
});

it('maps every state transition and its repeat', async () => {
  expect(await ops.inspect(id)).toMatchObject({ exists: true, running: false, status: 'created', health: 'none' });
  expect(await ops.start(id)).toBe('done');
  expect(await ops.start(id)).toBe('already');
  expect(await ops.inspect(id)).toMatchObject({ running: true, paused: false, status: 'running', pid: expect.any(Number) });
  expect(await ops.unpause(id)).toBe('already');
  expect(await ops.pause(id)).toBe('done');
  expect(await ops.pause(id)).toBe('already');
  await expect(ops.start(id)).rejects.toMatchObject({ code: 'ContainerConflict' });
  expect(await ops.unpause(id)).toBe('done');
  expect(await ops.kill(id, 'SIGKILL')).toBe('done');
  expect(await ops.kill(id, 'SIGKILL')).toBe('already');
  expect(await ops.inspect(id)).toMatchObject({ running: false, status: 'exited', exitCode: 137, pid: 0 });
  expect(await ops.stop(id, 0)).toBe('already');
  await expect(ops.pause(id)).rejects.toMatchObject({ code: 'ContainerConflict' });
  expect(await ops.unpause(id)).toBe('already');
  expect(await ops.restart(id, 0)).toBe('done');
  expect(await ops.inspect(id)).toMatchObject({ running: true });
  await expect(ops.kill(id, 'SIGBOGUS')).rejects.toMatchObject({ code: 'InvalidFault', retryable: false });
  expect(await ops.stop(id, 1)).toBe('done');
});

it('a removed container is undefined to inspect and ContainerGone to every call', async () => {
  const c = await docker.createContainer({ Image: 'faultline/nats:local', name: `${PROJECT}-gone-1`, Labels: { 'faultline.project': PROJECT } });
  await c.remove({ force: true });
  expect(await ops.inspect(c.id)).toBeUndefined();
  for (const call of [() => ops.start(c.id), () => ops.kill(c.id, 'SIGKILL'), () => ops.pause(c.id), () => ops.unpause(c.id), () => ops.stop(c.id, 0), () => ops.restart(c.id, 0)]) {
    await expect(call()).rejects.toMatchObject({ code: 'ContainerGone', retryable: false });
  }
});
