/**
 * Probes against a real NATS container: http on the monitor port, tcp, nats request-reply and
 * publish-subscribe (directly and via a second connection), the container probe's states, and
 * what each says while the container is paused, within its timeout. Removed in afterAll.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { systemClock } from '../../src/activities/ports';
import { runProbe } from '../../src/activities/probes';
import type { Sample, StackHandle } from '../../src/activities/types';
import type { Expectation } from '../../src/spec/expect';
import { ProbeSpec } from '../../src/spec/probes';
import { freePort } from '../helpers/net';
import { until } from '../helpers/until';
import { ANY_PORT } from '../../src/spec/host-ports';

const docker = new Docker();
// Two tests probe a free host port with nothing behind it; the worker allows any port here.
const deps = { ops: createContainerOps(docker), clock: systemClock, hostPorts: ANY_PORT };
const PROJECT = `fltest-probes-${randomBytes(4).toString('hex')}`;
let stack: StackHandle;
let container: Docker.Container;

const probe = (p: Record<string, unknown>, expect?: Expectation): Promise<Sample> => runProbe(deps, { probe: ProbeSpec.parse(p), stack, expect });


beforeAll(async () => {
  const [client, monitor] = [await freePort(), await freePort()];
  container = await docker.createContainer({
    Image: 'faultline/nats:local',
    name: `${PROJECT}-nats-1`,
    Labels: { 'faultline.project': PROJECT, 'faultline.service': 'nats' },
    ExposedPorts: { '4222/tcp': {}, '8222/tcp': {} },
    Healthcheck: { Test: ['CMD', 'curl', '-fsS', 'http://127.0.0.1:8222/healthz'], Interval: 500e6, Timeout: 1e9, Retries: 3 },
    HostConfig: {
      PortBindings: {
        '4222/tcp': [{ HostIp: '127.0.0.1', HostPort: String(client) }],
        '8222/tcp': [{ HostIp: '127.0.0.1', HostPort: String(monitor) }],
      },
    },
  });
  await container.start();
  stack = { project: PROJECT, services: ['nats'], ports: { 'nats:4222': client, 'nats:8222': monitor } };
  await until('nats to run', async () => (await probe({ kind: 'container', target: { service: 'nats' } })).ok, { timeoutMs: 15_000 });
});

afterAll(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [`faultline.project=${PROJECT}`] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
});

describe('http', () => {
  it('/healthz answers 200 with a JSON body', async () => {
    const s = await probe({ kind: 'http', service: 'nats', port: 8222, path: '/healthz' });
    expect(s).toMatchObject({ ok: true, value: { status: 200, body: { status: 'ok' } } });
  });

  it('/varz with a jsonpath expectation', async () => {
    expect(await probe({ kind: 'http', service: 'nats', port: 8222, path: '/varz' }, { jsonpath: '$.body.port', eq: 4222 })).toMatchObject({ ok: true });
    const s = await probe({ kind: 'http', url: `http://127.0.0.1:${stack.ports['nats:8222']}/varz` }, { jsonpath: '$.body.max_payload', lt: 10 });
    expect(s).toMatchObject({ ok: false, error: 'expected $.body.max_payload < 10, got 1048576' });
  });

  it('a missing page fails the default expectation', async () => {
    expect(await probe({ kind: 'http', service: 'nats', port: 8222, path: '/nope' })).toMatchObject({
      ok: false,
      error: 'expected status in [200, 399], got 404',
    });
  });
});

describe('tcp', () => {
  it('4222 connects; a closed port is ok:false', async () => {
    expect(await probe({ kind: 'tcp', service: 'nats', port: 4222 })).toMatchObject({ ok: true, value: { connected: true } });
    const closed = await freePort();
    expect(await probe({ kind: 'tcp', port: closed })).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('nats', () => {
  it('request-reply round trip, on the server and via a second connection', async () => {
    const s = await probe({ kind: 'nats', service: 'nats' });
    expect(s).toMatchObject({ ok: true, value: { roundTripMs: expect.any(Number) } });
    const via = await probe({ kind: 'nats', service: 'nats', via: { host: '127.0.0.1', port: stack.ports['nats:4222'] }, subject: 'fltest.rr' });
    expect(via).toMatchObject({ ok: true });
  });

  it('publish-subscribe round trip', async () => {
    expect(await probe({ kind: 'nats', service: 'nats', mode: 'publish-subscribe' })).toMatchObject({ ok: true, value: { roundTripMs: expect.any(Number) } });
    expect(
      await probe({ kind: 'nats', service: 'nats', mode: 'publish-subscribe', via: { service: 'nats', port: 4222 } }, { jsonpath: '$.roundTripMs', lt: 1000 }),
    ).toMatchObject({ ok: true });
  });

  it('nothing listening is ok:false', async () => {
    const s = await probe({ kind: 'nats', port: await freePort() });
    expect(s).toMatchObject({ ok: false, error: expect.stringContaining('cannot connect') });
  });
});

describe('while the container is paused', () => {
  beforeAll(() => container.pause());
  afterAll(async () => {
    await container.unpause().catch(() => undefined);
  });

  it.each([
    ['nats request-reply', { kind: 'nats', service: 'nats', timeout: '800ms' }],
    ['nats publish-subscribe', { kind: 'nats', service: 'nats', mode: 'publish-subscribe', timeout: '800ms' }],
    ['http', { kind: 'http', service: 'nats', port: 8222, path: '/healthz', timeout: '800ms' }],
  ])('%s is ok:false within its timeout', async (_name, p) => {
    const t0 = Date.now();
    const s = await probe(p);
    expect(s.ok).toBe(false);
    expect(s.error).toMatch(/800ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('the container probe says paused', async () => {
    expect(await probe({ kind: 'container', target: { service: 'nats' } })).toMatchObject({
      ok: false,
      error: 'expected not paused, got paused',
      value: { state: 'paused', running: true, paused: true },
    });
  });

  it('after unpause, the timed-out probes left no connection behind', async () => {
    await container.unpause();
    await until('nats to count no connections', async () => {
      const s = await probe({ kind: 'http', service: 'nats', port: 8222, path: '/varz' }, { jsonpath: '$.body.connections', eq: 0 });
      return s.ok;
    }, { timeoutMs: 10_000 });
  });
});

describe('container', () => {
  it('healthy and running passes; stopped fails with its state', async () => {
    await until('nats to be healthy', async () => (await probe({ kind: 'container', target: { service: 'nats' } }, { jsonpath: '$.health', eq: 'healthy' })).ok, { timeoutMs: 15_000 });
    expect(await probe({ kind: 'container', target: { container: `${PROJECT}-nats-1` } })).toMatchObject({
      ok: true,
      value: { state: 'running', running: true, paused: false, health: 'healthy', restartCount: 0 },
    });
    await container.stop({ t: 1 });
    expect(await probe({ kind: 'container', target: { service: 'nats' } })).toMatchObject({
      ok: false,
      error: 'expected running, got exited',
      value: { running: false, health: 'none' },
    });
    await container.start();
  });
});
