/**
 * Probe and workload limits against real HTTP servers this test starts on 127.0.0.1 (no Docker):
 * a redirect is never followed, not by the http probe and not by http-load (which used to follow
 * it with the request's body and headers), and a 100 MiB body is cut at the limit and the rest never
 * downloaded, with the process's memory staying far below the body's size.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runProbe } from '../../src/activities/probes';
import { BODY_READ_MAX } from '../../src/activities/probes/http';
import { httpCall } from '../../src/activities/probes/http-client';
import { PAGE_READ_MAX, fetchMonitor } from '../../src/activities/probes/nats-monitor';
import type { ProbeContext, ProbeDeps } from '../../src/activities/probes/probe';
import { type ContainerOps, systemClock } from '../../src/activities/ports';
import { httpLoad } from '../../src/activities/workloads/http-load';
import { ProbeSpec } from '../../src/spec/probes';
import { WorkloadSpec, type WorkloadOf } from '../../src/spec/workloads';
import { ANY_PORT } from '../../src/spec/host-ports';

const MiB = 1024 * 1024;
// Servers on ephemeral loopback ports, no stack: the worker allows any port (the port rule is tested in host-ports.test.ts).
const deps: ProbeDeps = { ops: {} as ContainerOps, clock: systemClock, hostPorts: ANY_PORT };

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

/** Where a followed redirect would land: it must never see a request. */
const landed: { url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
// A credential header is a reference (a literal is refused at validation), resolved on this "worker".
process.env.FAULTLINE_SECRET_REDIRECT_TEST = 'Bearer s3cret';
let target: { server: Server; port: number };
let redirector: { server: Server; port: number };
/** Streams 100 MiB with backpressure and counts what it managed to write before the client left. */
let big: { server: Server; port: number };
const streamed = { written: 0, closed: 0 };

beforeAll(async () => {
  target = await serve((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      landed.push({ url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ host: req.headers.host, decision: 'stolen' }));
    });
  });
  // 307 keeps method and body, the strongest case for a client that follows redirects.
  redirector = await serve((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(307, { location: `http://127.0.0.1:${target.port}/stolen` }).end());
  });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  big = await serve((_req, res) => {
    streamed.written = 0;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(100 * MiB) });
    res.on('close', () => streamed.closed++);
    const pump = () => {
      while (streamed.written < 100 * MiB && !res.destroyed) {
        streamed.written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
});
afterAll(async () => {
  await Promise.all([close(target.server), close(redirector.server), close(big.server)]);
});
beforeEach(() => (landed.length = 0));

describe('redirects are answers, never followed', () => {
  it('http-load records the 307 and never sends the body or headers to the Location', async () => {
    const w = WorkloadSpec.parse({
      id: 'api',
      kind: 'http-load',
      rate: '10/s',
      port: redirector.port,
      method: 'POST',
      body: 'card=4111',
      headers: { authorization: { env: 'FAULTLINE_SECRET_REDIRECT_TEST' } },
      decisionField: 'decision',
    }) as WorkloadOf<'http-load'>;
    const session = await httpLoad.open(w, { hostPorts: ANY_PORT }, 2000, () => undefined);
    try {
      for (let i = 0; i < 3; i++) {
        expect(await session.op(`api-1-00000${i}`, new AbortController().signal)).toEqual({ outcome: 'failed', status: 307, decision: undefined });
      }
    } finally {
      await session.close();
    }
    expect(landed).toEqual([]);
  });

  it('the http probe counts a 3xx as reachable and never contacts the Location', async () => {
    const probe = ProbeSpec.parse({ kind: 'http', url: `http://127.0.0.1:${redirector.port}/`, method: 'POST', body: 'x', headers: { authorization: { env: 'FAULTLINE_SECRET_REDIRECT_TEST' } } });
    expect(await runProbe(deps, { probe })).toMatchObject({ ok: true, value: { status: 307 } });
    expect(landed).toEqual([]);
  });

  it('a localhost URL still works and keeps its Host header', async () => {
    const probe = ProbeSpec.parse({ kind: 'http', url: `http://localhost:${target.port}/here` });
    expect(await runProbe(deps, { probe })).toMatchObject({ ok: true, value: { status: 200, body: { host: `localhost:${target.port}` } } });
    expect(landed).toHaveLength(1);
  });
});

describe('a 100 MiB body is cut at the limit, not downloaded', () => {
  /** Runs fn while sampling memory; returns its result and the peak growth of rss and of heap plus buffers. */
  async function peakGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; rss: number; heap: number }> {
    const base = process.memoryUsage();
    let rss = 0;
    let heap = 0;
    const sample = () => {
      const m = process.memoryUsage();
      rss = Math.max(rss, m.rss - base.rss);
      heap = Math.max(heap, m.heapUsed + m.arrayBuffers - (base.heapUsed + base.arrayBuffers));
    };
    const timer = setInterval(sample, 2);
    try {
      const result = await fn();
      sample();
      return { result, rss, heap };
    } finally {
      clearInterval(timer);
    }
  }
  const closedByClient = async (before: number) => {
    for (let i = 0; i < 200 && streamed.closed === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(streamed.closed).toBe(before + 1);
    expect(streamed.written).toBeLessThan(32 * MiB);
  };
  const url = () => `http://127.0.0.1:${big.port}/`;

  it('the client keeps exactly the limit and closes the connection', async () => {
    const before = streamed.closed;
    const { result, rss, heap } = await peakGrowth(() => httpCall({ url: url(), method: 'GET', signal: AbortSignal.timeout(30_000), maxBytes: BODY_READ_MAX }));
    expect(result).toMatchObject({ status: 200, truncated: true });
    expect(result.text.length).toBe(BODY_READ_MAX);
    expect(rss).toBeLessThan(48 * MiB);
    expect(heap).toBeLessThan(48 * MiB);
    await closedByClient(before);
  });

  it('the http probe returns with the body cut at 1 MiB, saying so', async () => {
    const before = streamed.closed;
    const { result: s, rss, heap } = await peakGrowth(() => runProbe(deps, { probe: ProbeSpec.parse({ kind: 'http', url: url(), timeout: '30s' }) }));
    expect(s).toMatchObject({ ok: true, value: { status: 200, truncated: true } });
    expect(String((s.value as { body: string }).body)).toMatch(/^x{4096}\.\.\. \(the first 1048576 bytes of a longer body, truncated\)$/);
    expect(rss).toBeLessThan(48 * MiB);
    expect(heap).toBeLessThan(48 * MiB);
    await closedByClient(before);
  });

  it('http-load reads at most 64 KiB of each answer', async () => {
    const before = streamed.closed;
    const w = WorkloadSpec.parse({ id: 'dl', kind: 'http-load', rate: '1/s', port: big.port, timeout: '30s' }) as WorkloadOf<'http-load'>;
    const session = await httpLoad.open(w, { hostPorts: ANY_PORT }, 30_000, () => undefined);
    try {
      const { result, rss } = await peakGrowth(() => session.op('dl-1-000001', new AbortController().signal));
      expect(result).toEqual({ outcome: 'ok', status: 200, decision: undefined });
      expect(rss).toBeLessThan(48 * MiB);
    } finally {
      await session.close();
    }
    await closedByClient(before);
  });

  it('a monitoring page past 4 MiB is refused, not read whole', async () => {
    const before = streamed.closed;
    const ctx: ProbeContext = { deps, timeoutMs: 30_000, signal: AbortSignal.timeout(30_000), stack: undefined };
    await expect(fetchMonitor(ctx, { host: '127.0.0.1', port: big.port }, 'varz')).rejects.toThrow(
      `GET http://127.0.0.1:${big.port}/varz: status 200, page larger than ${PAGE_READ_MAX} bytes, not read further`,
    );
    await closedByClient(before);
  });
});
