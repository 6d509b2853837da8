/**
 * Reads every message id in a JetStream stream with an ordered consumer: the `Nats-Msg-Id` header,
 * or the payload's `id` field when the header is missing. Counts per id, so duplicates show.
 */
import { type ConnectionOptions, connect, JSONCodec } from 'nats';
import type { ConsumedSource } from '../../spec/checks';
import { FaultlineError } from '../../errors';
import { hostPort, resolveAddress } from '../probes/endpoint';
import type { CheckerContext } from './checker';

type JetStreamSource = Extract<ConsumedSource, { jetstream: unknown }>['jetstream'];
const jc = JSONCodec<{ id?: unknown }>();

export async function readStreamIds(src: JetStreamSource, ctx: CheckerContext): Promise<Map<string, number>> {
  const addr = await resolveAddress(src.endpoint, ctx);
  const opts: ConnectionOptions = { servers: hostPort(addr), name: 'faultline-check', timeout: 5000, reconnect: false };
  const nc = await connect(opts).catch((err: unknown) => {
    throw new FaultlineError('CheckSourceUnavailable', `no-loss: cannot connect to NATS at ${hostPort(addr)}: ${String(err)}`, { retryable: true });
  });
  const ids = new Map<string, number>();
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(src.stream).catch((err: unknown) => {
      throw new FaultlineError('CheckSourceUnavailable', `no-loss: stream ${src.stream} not found: ${String(err)}`, { retryable: true });
    });
    const last = info.state.last_seq;
    let remaining = info.state.messages;
    const consumer = await nc.jetstream().consumers.get(src.stream);
    while (remaining > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(remaining, 1000), expires: 5000 });
      let got = 0;
      for await (const m of batch) {
        got++;
        remaining--;
        const id = m.headers?.get('Nats-Msg-Id') || idOf(m.data);
        ids.set(id, (ids.get(id) ?? 0) + 1);
        if (m.seq >= last) remaining = 0;
      }
      if (got === 0) throw new FaultlineError('CheckSourceUnavailable', `no-loss: stream ${src.stream} stopped yielding with ${remaining} messages unread`, { retryable: true });
    }
  } finally {
    await nc.close().catch(() => undefined);
  }
  return ids;
}

function idOf(data: Uint8Array): string {
  try {
    const id = jc.decode(data).id;
    return id === undefined ? '<no id>' : String(id);
  } catch {
    return '<no id>';
  }
}
