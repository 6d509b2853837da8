/**
 * nats-publish: one message per operation, `{ "id": <op id> }` on `subject`. JetStream: the PubAck
 * -> ok; "no responders" (no stream took it) -> failed; anything else, e.g. a timeout, -> unknown,
 * since the message may be stored. Core NATS: the server took it (flush returned) -> ok; core NATS
 * acknowledges nothing more, which is exactly what the loss-expected negative control relies on.
 */
import { type JetStreamClient, type NatsConnection, ErrorCode } from 'nats';
import type { WorkloadOf } from '../../spec/workloads';
import type { Reach } from '../probes/endpoint';
import { type OpResult, type WorkloadDriver, type WorkloadSession } from './driver';
import { errorText } from '../../errors';
import { flushOutcome, idCodec, workloadConnection } from './nats-client';

type Publish = WorkloadOf<'nats-publish'>;

export const natsPublish: WorkloadDriver<Publish> = {
  async open(w: Publish, reach: Reach, timeoutMs: number): Promise<WorkloadSession> {
    const nc = await workloadConnection(w.id, w, reach, timeoutMs);
    if (w.stream) await ensureStream(nc, w.stream, w.subject);
    const js: JetStreamClient | undefined = w.jetstream ? nc.jetstream({ timeout: timeoutMs }) : undefined;
    return {
      async op(id: string): Promise<OpResult> {
        const data = idCodec.encode({ id });
        if (js) {
          try {
            await js.publish(w.subject, data, { msgID: id, timeout: timeoutMs });
            return { outcome: 'ok' };
          } catch (err) {
            const code = (err as { code?: string }).code;
            return { outcome: code === ErrorCode.NoResponders || code === '503' ? 'failed' : 'unknown', error: errorText(err) };
          }
        }
        try {
          nc.publish(w.subject, data);
        } catch (err) {
          return { outcome: 'failed', error: errorText(err) };
        }
        return flushOutcome(nc);
      },
      async close() {
        await nc.drain().catch(() => nc.close());
      },
    };
  },
};

/** Adds the stream, or leaves an existing one of that name as it is (a retried activity, a rerun). */
async function ensureStream(nc: NatsConnection, s: { name: string; replicas: number }, subject: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const exists = await jsm.streams.info(s.name).then(() => true, () => false);
  if (!exists) await jsm.streams.add({ name: s.name, subjects: [subject], num_replicas: s.replicas });
}
