/**
 * runProbe and timeToGreen without Docker: the container probe over the fake ContainerOps, and
 * http/tcp against servers this test opens on 127.0.0.1.
 */
import { type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { runProbe, timeToGreen } from '../../../../src/activities/probes';
import type { StackHandle } from '../../../../src/activities/types';
import { ProbeSpec } from '../../../../src/spec/probes';
import { FakeClock } from '../../fakes/clock';
import { FakeContainerOps } from '../../fakes/container-ops';
import { ANY_PORT } from '../../../../src/spec/host-ports';

const stack: StackHandle = { project: 'p1', ports: {}, services: ['nats'] };

function world() {
  const ops = new FakeContainerOps();
  const a = ops.add('p1', 'nats');
  return { ops, a, deps: { ops, clock: new FakeClock(), hostPorts: ANY_PORT } };
}

const probe = (p: unknown) => ProbeSpec.parse(p);

describe('container probe', () => {
  it('passes for a running container without healthcheck', async () => {
    const { deps } = world();
    const s = await runProbe(deps, { probe: probe({ kind: 'container', target: { service: 'nats' } }), stack });
    expect(s).toMatchObject({ ok: true, value: { state: 'running', running: true, paused: false, health: 'none', restartCount: 0 } });
  });

  it('fails for paused, stopped or unhealthy, saying which', async () => {
    const { ops, a, deps } = world();
    const p = probe({ kind: 'container', target: { service: 'nats' } });
    ops.get(a.id).paused = true;
    expect(await runProbe(deps, { probe: p, stack })).toMatchObject({ ok: false, error: 'expected not paused, got paused' });
    Object.assign(ops.get(a.id), { paused: false, health: 'unhealthy' });
    expect(await runProbe(deps, { probe: p, stack })).toMatchObject({ ok: false, error: 'expected health healthy or none, got unhealthy' });
    ops.get(a.id).running = false;
    expect(await runProbe(deps, { probe: p, stack })).toMatchObject({ ok: false, error: 'expected running, got exited', value: { health: 'none' } });
  });

  it('an expectation replaces the default check', async () => {
    const { ops, a, deps } = world();
    ops.get(a.id).restartCount = 4;
    const p = probe({ kind: 'container', target: { service: 'nats' } });
    const s = await runProbe(deps, { probe: p, stack, expect: { jsonpath: '$.restartCount', lt: 3 } });
    expect(s).toMatchObject({ ok: false, error: 'expected $.restartCount < 3, got 4' });
  });

  it('aggregates several containers to the worst of them', async () => {
    const { ops, deps } = world();
    const b = ops.add('p1', 'nats', { name: 'p1-nats-2' });
    ops.get(b.id).running = false;
    const s = await runProbe(deps, { probe: probe({ kind: 'container', target: { service: 'nats' } }), stack });
    expect(s).toMatchObject({ ok: false, value: { running: false, state: 'exited', containers: [{ name: 'p1-nats-1' }, { name: 'p1-nats-2' }] } });
  });

  it('no match, or a service target without a stack, is ok:false with the reason', async () => {
    const { deps } = world();
    expect(await runProbe(deps, { probe: probe({ kind: 'container', target: { service: 'pg' } }), stack })).toMatchObject({
      ok: false,
      error: 'no container matches service pg',
    });
    expect(await runProbe(deps, { probe: probe({ kind: 'container', target: { service: 'nats' } }) })).toMatchObject({
      ok: false,
      error: expect.stringContaining('needs a running stack'),
    });
  });
});

describe('endpoints', () => {
  it('a service port the stack did not publish is ok:false naming the published ones', async () => {
    const { deps } = world();
    const s = await runProbe(deps, { probe: probe({ kind: 'tcp', service: 'nats', port: 4222 }), stack: { ...stack, ports: { 'nats:8222': 1 } } });
    expect(s).toMatchObject({ ok: false, error: 'no host port is published for nats:4222 in project p1 (published: nats:8222)' });
  });
});

describe('tcp and http on loopback', () => {
  let http: Server;
  let httpPort: number;
  beforeAll(async () => {
    http = createServer((req, res) => {
      if (req.url === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"n":3}');
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(10_000));
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://192.0.2.1/' }).end();
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 1500);
      res.writeHead(503).end('down');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    httpPort = (http.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => http.close(() => r())));

  const url = (path: string) => `http://127.0.0.1:${httpPort}${path}`;

  it('http: JSON body, default expectation 200-399', async () => {
    const { deps } = world();
    expect(await runProbe(deps, { probe: probe({ kind: 'http', url: url('/json') }) })).toMatchObject({ ok: true, value: { status: 200, body: { ok: true, n: 3 } } });
    expect(await runProbe(deps, { probe: probe({ kind: 'http', url: url('/down') }) })).toMatchObject({
      ok: false,
      value: { status: 503, body: 'down' },
      error: 'expected status in [200, 399], got 503',
    });
  });

  it('http: a redirect is not followed off loopback and counts as reachable', async () => {
    const { deps } = world();
    expect(await runProbe(deps, { probe: probe({ kind: 'http', url: url('/redirect') }) })).toMatchObject({ ok: true, value: { status: 302 } });
  });

  it('http: big bodies are truncated in the sample', async () => {
    const { deps } = world();
    const s = await runProbe(deps, { probe: probe({ kind: 'http', url: url('/big') }) });
    expect(String((s.value as { body: string }).body)).toMatch(/^x{4096}\.\.\. \(10000 chars, truncated\)$/);
  });

  it('http: the timeout is honoured', async () => {
    const { deps } = world();
    const s = await runProbe(deps, { probe: probe({ kind: 'http', url: url('/slow'), timeout: '300ms' }) });
    expect(s.ok).toBe(false);
    expect(s.error).toContain('300ms');
    expect(s.latencyMs).toBeLessThan(1200);
  });

  it('http: service+port resolves through the stack ports', async () => {
    const { deps } = world();
    const s = await runProbe(deps, {
      probe: probe({ kind: 'http', service: 'web', port: 80, path: '/json' }),
      stack: { ...stack, ports: { 'web:80': httpPort } },
      expect: { jsonpath: '$.body.n', eq: 3 },
    });
    expect(s).toMatchObject({ ok: true });
  });

  it('tcp: open port connects, closed port is ok:false', async () => {
    const { deps } = world();
    expect(await runProbe(deps, { probe: probe({ kind: 'tcp', port: httpPort }) })).toMatchObject({ ok: true, value: { connected: true } });
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const s = await runProbe(deps, { probe: probe({ kind: 'tcp', host: '127.0.0.1', port }) });
    expect(s).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('timeToGreen', () => {
  /** A clock that brings the container back after a number of sleeps. */
  function recovering(after: number, flapAt?: number) {
    const { ops, a } = world();
    const clock = new FakeClock(10_000);
    ops.get(a.id).running = false;
    const sleep = clock.sleep.bind(clock);
    clock.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      const n = clock.sleeps.length;
      ops.get(a.id).running = n >= after && n !== flapAt;
    };
    return { deps: { ops, clock }, clock };
  }
  const input = (over: Partial<Parameters<typeof timeToGreen>[1]> = {}) => ({
    probe: probe({ kind: 'container', target: { service: 'nats' } }),
    stack,
    since: 10_000,
    withinMs: 10_000,
    consecutive: 3,
    intervalMs: 1000,
    ...over,
  });

  it('measures from since to the first pass of the winning streak', async () => {
    const { deps } = recovering(2);
    const progress: Array<[number, number]> = [];
    const r = await timeToGreen(deps, input(), { onProgress: (a, s) => progress.push([a, s]) });
    expect(r).toMatchObject({ green: true, elapsedMs: 2000, attempts: 5, lastError: 'expected running, got exited' });
    expect(progress).toEqual([[1, 0], [2, 0], [3, 1], [4, 2], [5, 3]]);
  });

  it('a broken streak starts over', async () => {
    const { deps } = recovering(1, 2);
    const r = await timeToGreen(deps, input());
    expect(r).toMatchObject({ green: true, elapsedMs: 3000, attempts: 6 });
  });

  it('not green before the deadline: green false with the last error', async () => {
    const { deps } = recovering(1000);
    const r = await timeToGreen(deps, input({ withinMs: 5000 }));
    expect(r).toEqual({ green: false, attempts: 6, lastError: 'expected running, got exited' });
  });

  it('a streak that began before the deadline may finish after it', async () => {
    const { deps } = recovering(5);
    const r = await timeToGreen(deps, input({ withinMs: 5000 }));
    expect(r).toMatchObject({ green: true, elapsedMs: 5000, attempts: 8 });
  });

  it('stops when the signal aborts', async () => {
    const { deps } = recovering(1000);
    const ctl = new AbortController();
    const run = timeToGreen(deps, input(), { signal: ctl.signal, onProgress: (a) => a === 2 && ctl.abort(new Error('cancelled')) });
    await expect(run).rejects.toThrow('cancelled');
  });
});
