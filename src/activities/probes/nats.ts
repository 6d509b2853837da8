/**
 * NATS probe: a round trip through the server. request-reply: a responder subscribed on `via` (or
 * the same server) echoes a request; publish-subscribe: a subscriber on `via` waits for a message
 * published on the server. Connections never reconnect and are always closed, even on timeout.
 */
import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type NatsConnection, ErrorCode, StringCodec, connect } from 'nats';
import type { ProbeOf } from '../../spec/probes';
import { type Address, hostPort, resolveAddress } from './endpoint';
import { type Probe, type ProbeContext, ProbeFailure, onAbort, whenAborted } from './probe';
import { errorText } from '../../errors';

type NatsProbe = ProbeOf<'nats'>;

/** Interest takes a moment to cross routes in a cluster; until then publishes are retried. */
const RETRY_MS = 100;
const sc = StringCodec();

export const natsProbe: Probe<NatsProbe> = {
  label: 'value',

  async run(ctx: ProbeContext, p: NatsProbe): Promise<{ roundTripMs: number }> {
    const server = await resolveAddress(p, ctx);
    const via = p.via ? await resolveAddress(p.via, ctx) : undefined;
    const subject = p.subject ?? `faultline.probe.${randomUUID()}`;
    const open: NatsConnection[] = [];
    const off = onAbort(ctx.signal, () => open.forEach((nc) => void nc.close().catch(() => undefined)));
    try {
      // allSettled, not all: a failed dial must not leave the other one connecting behind our back.
      const dialed = await Promise.allSettled([dial(ctx, server, open), via ? dial(ctx, via, open) : undefined]);
      const failed = dialed.find((d): d is PromiseRejectedResult => d.status === 'rejected');
      if (failed) throw failed.reason;
      const [main, other] = dialed.map((d) => (d as PromiseFulfilledResult<NatsConnection | undefined>).value);
      if (!main) throw new ProbeFailure(`nats ${hostPort(server)}: no connection`);
      const listener = other ?? main;
      const timeout = new ProbeFailure(`nats ${p.mode} on ${subject} via ${hostPort(server)}: no round trip within ${ctx.timeoutMs}ms`);
      const trip = p.mode === 'request-reply' ? requestReply(ctx, main, listener, subject) : publishSubscribe(ctx, main, listener, subject);
      return await Promise.race([trip, whenAborted(ctx.signal).catch(() => Promise.reject(timeout))]);
    } finally {
      off();
      await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    }
  },

  check: () => undefined,
};

/** Connects without reconnects; a connection that completes after the timeout is closed at once. */
export async function dial(ctx: ProbeContext, addr: Address, open: NatsConnection[]): Promise<NatsConnection> {
  await serverGreets(ctx, addr);
  const pending = connect({
    servers: hostPort(addr),
    name: 'faultline-probe',
    timeout: ctx.timeoutMs,
    reconnect: false,
    maxReconnectAttempts: 0,
    ignoreClusterUpdates: true,
  });
  try {
    const nc = await Promise.race([pending, whenAborted(ctx.signal)]);
    open.push(nc);
    return nc;
  } catch (err) {
    void pending.then((nc) => nc.close()).catch(() => undefined);
    if (ctx.signal.aborted) throw new ProbeFailure(`nats ${hostPort(addr)}: no connection within ${ctx.timeoutMs}ms`);
    throw new ProbeFailure(`nats ${hostPort(addr)}: cannot connect: ${errorText(err)}`, { cause: err });
  }
}

async function requestReply(ctx: ProbeContext, requester: NatsConnection, responder: NatsConnection, subject: string): Promise<{ roundTripMs: number }> {
  responder.subscribe(subject, { callback: (err, msg) => (err ? undefined : msg.respond(msg.data)) });
  await responder.flush();
  const deadline = performance.now() + ctx.timeoutMs;
  for (;;) {
    const t0 = performance.now();
    try {
      await requester.request(subject, sc.encode('ping'), { timeout: Math.max(1, deadline - t0) });
      return { roundTripMs: round(performance.now() - t0) };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (ctx.signal.aborted) throw err;
      if (code === ErrorCode.NoResponders && deadline - performance.now() > RETRY_MS) {
        await new Promise((r) => setTimeout(r, RETRY_MS));
        continue;
      }
      throw new ProbeFailure(`nats request on ${subject}: ${code === ErrorCode.Timeout ? 'no reply before the timeout' : errorText(err)}`, { cause: err });
    }
  }
}

async function publishSubscribe(ctx: ProbeContext, publisher: NatsConnection, subscriber: NatsConnection, subject: string): Promise<{ roundTripMs: number }> {
  const sentAt = new Map<number, number>();
  const received = new Promise<{ seq: number; at: number }>((resolve) => {
    subscriber.subscribe(subject, {
      max: 1,
      callback: (err, msg) => (err ? undefined : resolve({ seq: Number(sc.decode(msg.data)), at: performance.now() })),
    });
  });
  await subscriber.flush();
  let seq = 0;
  const publishOne = () => {
    seq += 1;
    sentAt.set(seq, performance.now());
    try {
      publisher.publish(subject, sc.encode(String(seq)));
    } catch {
      // A closed publisher surfaces as the probe's timeout; nothing to add here.
    }
  };
  publishOne();
  const timer = setInterval(publishOne, RETRY_MS);
  try {
    const got = await Promise.race([received, whenAborted(ctx.signal)]);
    return { roundTripMs: round(got.at - (sentAt.get(got.seq) ?? got.at)) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * nats.js 2.29 leaks its socket when `connect` times out before the server's INFO arrives (its
 * transport.close is a no-op until then), which is exactly what a frozen server does behind
 * Docker's port proxy. So the probe first waits for INFO on a socket of its own, always destroyed.
 */
function serverGreets(ctx: ProbeContext, addr: Address): Promise<void> {
  const socket = new Socket();
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    const done = (err?: Error) => {
      off();
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const off = onAbort(ctx.signal, () =>
      done(new ProbeFailure(`nats ${hostPort(addr)}: connected, but no INFO from the server within ${ctx.timeoutMs}ms`)),
    );
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n')) done(seen.startsWith('INFO ') ? undefined : new ProbeFailure(`nats ${hostPort(addr)}: not a NATS server (${seen.slice(0, 40)})`));
    });
    socket.once('error', (err) => done(new ProbeFailure(`nats ${hostPort(addr)}: cannot connect: ${errorText(err)}`, { cause: err })));
    socket.once('close', () => done(new ProbeFailure(`nats ${hostPort(addr)}: connection closed before INFO`)));
    socket.connect({ host: addr.host, port: addr.port });
  });
}

const round = (ms: number): number => Math.round(ms * 100) / 100;
