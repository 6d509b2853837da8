/**
 * nats-subscribe: a core subscription on `subject` that records the id of every message it
 * receives as delivered, so `no-loss` can compare it with a publisher's acknowledged ids
 * (`consumed: { workload: <this id> }`). Its own operations only check that the connection is
 * alive (a flush round trip), at `rate`.
 */
import type { WorkloadOf } from '../../spec/workloads';
import type { Reach } from '../probes/endpoint';
import type { OpResult, Receipt, WorkloadDriver, WorkloadSession } from './driver';
import { flushOutcome, idOf, workloadConnection } from './nats-client';

type Subscribe = WorkloadOf<'nats-subscribe'>;

export const natsSubscribe: WorkloadDriver<Subscribe> = {
  async open(w: Subscribe, reach: Reach, timeoutMs: number, received: Receipt): Promise<WorkloadSession> {
    const nc = await workloadConnection(w.id, w, reach, timeoutMs);
    nc.subscribe(w.subject, {
      callback: (err, msg) => {
        const id = err ? undefined : idOf(msg.data);
        if (id !== undefined) received(id);
      },
    });
    await nc.flush();
    return {
      op: (): Promise<OpResult> => flushOutcome(nc),
      async close() {
        // Drain delivers what is already buffered before closing, so nothing received is dropped.
        await nc.drain().catch(() => nc.close());
      },
    };
  },
};
