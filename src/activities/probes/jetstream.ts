/**
 * JetStream probe: the meta leader (from the server's /jsz) and, when named, a stream's state and
 * a durable consumer's progress (pending, ack pending, ack floor) from the JetStream API. Without
 * an expectation it passes when a meta leader is known, i.e. JetStream can take writes.
 */
import type { NatsConnection } from 'nats';
import type { ProbeOf } from '../../spec/probes';
import { hostPort, resolveAddress } from './endpoint';
import { dial } from './nats';
import { fetchMonitor } from './nats-monitor';
import { type Probe, type ProbeContext, ProbeFailure, errorText, onAbort } from './probe';

type JetStreamProbe = ProbeOf<'jetstream'>;

export interface JetStreamValue {
  metaLeader: string | null;
  metaClusterSize?: number;
  stream?: { name: string; messages: number; bytes: number; firstSeq: number; lastSeq: number; consumers: number; leader?: string; replicas: Array<{ name: string; current: boolean }> };
  consumer?: { name: string; pending: number; ackPending: number; ackFloor: number; delivered: number; redelivered: number; leader?: string };
}

export const jetstreamProbe: Probe<JetStreamProbe> = {
  label: 'metaLeader',
  defaultPath: '$.metaLeader',

  async run(ctx: ProbeContext, p: JetStreamProbe): Promise<JetStreamValue> {
    const monitor = resolveAddress({ service: p.service, host: p.host, port: p.monitorPort }, ctx.stack);
    const jsz = await fetchMonitor(ctx, monitor, 'jsz');
    const meta = (jsz.body.meta_cluster ?? {}) as { leader?: string; cluster_size?: number };
    const value: JetStreamValue = { metaLeader: meta.leader || null, metaClusterSize: meta.cluster_size };
    if (p.stream === undefined) return value;

    const addr = resolveAddress(p, ctx.stack);
    const open: NatsConnection[] = [];
    const off = onAbort(ctx.signal, () => open.forEach((nc) => void nc.close().catch(() => undefined)));
    try {
      const nc = await dial(ctx, addr, open);
      const jsm = await nc.jetstreamManager({ timeout: ctx.timeoutMs, checkAPI: false });
      const where = `jetstream ${hostPort(addr)}`;
      const si = await jsm.streams.info(p.stream).catch((err: unknown) => {
        throw new ProbeFailure(`${where}: stream ${p.stream}: ${errorText(err)}`, { cause: err });
      });
      value.stream = {
        name: si.config.name,
        messages: si.state.messages,
        bytes: si.state.bytes,
        firstSeq: si.state.first_seq,
        lastSeq: si.state.last_seq,
        consumers: si.state.consumer_count,
        leader: si.cluster?.leader,
        replicas: (si.cluster?.replicas ?? []).map((r) => ({ name: r.name, current: r.current })),
      };
      if (p.consumer === undefined) return value;
      const ci = await jsm.consumers.info(p.stream, p.consumer).catch((err: unknown) => {
        throw new ProbeFailure(`${where}: consumer ${p.stream}/${p.consumer}: ${errorText(err)}`, { cause: err });
      });
      value.consumer = {
        name: ci.name,
        pending: ci.num_pending,
        ackPending: ci.num_ack_pending,
        ackFloor: ci.ack_floor.stream_seq,
        delivered: ci.delivered.stream_seq,
        redelivered: ci.num_redelivered,
        leader: ci.cluster?.leader,
      };
      return value;
    } finally {
      off();
      await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    }
  },

  check(value: unknown): string | undefined {
    return (value as JetStreamValue).metaLeader ? undefined : 'expected a JetStream meta leader, got none';
  },
};
