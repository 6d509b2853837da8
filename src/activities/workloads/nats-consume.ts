/**
 * nats-consume: a durable JetStream pull consumer. Each operation fetches up to `batch` messages,
 * records each id as delivered and acks it: fetched and acked -> ok, nothing could be fetched
 * because the server did not answer -> unknown. JetStream redelivers what was fetched but not
 * acked (a consumer frozen mid-batch), so an id is recorded once: the consumer deduplicates by id,
 * as an idempotent application would, and no-loss then judges loss, which is what this workload
 * is for.
 */
import { AckPolicy, type NatsConnection } from 'nats';
import { toMs } from '../../spec/duration';
import type { WorkloadOf } from '../../spec/workloads';
import type { Reach } from '../probes/endpoint';
import { type OpResult, type Receipt, type WorkloadDriver, type WorkloadSession } from './driver';
import { errorText } from '../../errors';
import { idOf, workloadConnection } from './nats-client';

type Consume = WorkloadOf<'nats-consume'>;
const NS_PER_MS = 1_000_000;
/** How long close() keeps draining the consumer's backlog at most. */
const DRAIN_MS = 10_000;

export const natsConsume: WorkloadDriver<Consume> = {
  async open(w: Consume, reach: Reach, timeoutMs: number, received: Receipt): Promise<WorkloadSession> {
    const nc = await workloadConnection(w.id, w, reach, timeoutMs);
    await ensureConsumer(nc, w);
    const seen = new Set<string>();
    let busy = false;
    /** Fetches one batch, records and acks it; returns how many messages came. */
    const fetchOnce = async (expires: number): Promise<number> => {
      const consumer = await nc.jetstream().consumers.get(w.stream, w.durable);
      const batch = await consumer.fetch({ max_messages: w.batch, expires });
      let n = 0;
      for await (const m of batch) {
        n++;
        const id = idOf(m.data);
        if (id !== undefined && !seen.has(id)) {
          seen.add(id);
          received(id);
        }
        m.ack();
      }
      return n;
    };
    return {
      async op(): Promise<OpResult> {
        // One fetch at a time: overlapping pulls would only race each other for the same messages.
        if (busy) return { outcome: 'ok' };
        busy = true;
        try {
          await fetchOnce(Math.max(1000, timeoutMs - 500));
          return { outcome: 'ok' };
        } catch (err) {
          return { outcome: 'unknown', error: errorText(err) };
        } finally {
          busy = false;
        }
      },
      async close() {
        // Publishers stop at the same moment: read what they sent last, until a fetch comes back empty.
        const deadline = Date.now() + DRAIN_MS;
        while (Date.now() < deadline && !busy && (await fetchOnce(1000).catch(() => 0)) > 0);
        await nc.drain().catch(() => nc.close());
      },
    };
  },
};

/** Workloads start together, so the publisher may still be creating the stream: wait for it a little. */
const STREAM_WAIT_MS = 15_000;

async function ensureConsumer(nc: NatsConnection, w: Consume): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const exists = await jsm.consumers.info(w.stream, w.durable).then(() => true, () => false);
  if (exists) return;
  const deadline = Date.now() + STREAM_WAIT_MS;
  while (!(await jsm.streams.info(w.stream).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error(`stream ${w.stream} does not exist after ${STREAM_WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await jsm.consumers.add(w.stream, { durable_name: w.durable, ack_policy: AckPolicy.Explicit, filter_subject: w.subject, ack_wait: toMs(w.ackWait) * NS_PER_MS });
}
