/**
 * JetStream probe: the meta leader (from /jsz on the monitoring port) and, when named, a stream's
 * state and a durable consumer's progress (pending, ack pending, ack floor) from the JetStream API.
 * Followers keep naming a dead leader for seconds after it died, so when the leader is a service of
 * the stack the probe asks the leader itself, and only a leader that answers as leader counts.
 * Without an expectation the probe passes when such a confirmed leader exists.
 */
import type { NatsConnection } from 'nats';
import type { ProbeOf } from '../../spec/probes';
import { type Address, hostPort, resolveAddress } from './endpoint';
import { dial } from './nats';
import { fetchMonitor } from './nats-monitor';
import { type Probe, type ProbeContext, ProbeFailure, onAbort } from './probe';
import { errorText } from '../../errors';

type JetStreamProbe = ProbeOf<'jetstream'>;

export interface JetStreamValue {
  /** The service that answered (the probe's own, or an alternate). */
  askedVia?: string;
  metaLeader: string | null;
  /** true: the leader answered as leader; false: it did not; absent: it is not a service of the stack. */
  metaLeaderConfirmed?: boolean;
  metaClusterSize?: number;
  stream?: { name: string; messages: number; bytes: number; firstSeq: number; lastSeq: number; consumers: number; leader?: string; replicas: Array<{ name: string; current: boolean }> };
  consumer?: { name: string; pending: number; ackPending: number; ackFloor: number; delivered: number; redelivered: number; leader?: string };
}

interface Meta { leader?: string; cluster_size?: number }

export const jetstreamProbe: Probe<JetStreamProbe> = {
  label: 'metaLeader',
  defaultPath: '$.metaLeader',

  async run(ctx: ProbeContext, p: JetStreamProbe): Promise<JetStreamValue> {
    const services = p.service === undefined ? [undefined] : [p.service, ...p.alternates];
    let lastError: unknown;
    for (const service of services) {
      try {
        return await askServer(ctx, p, service);
      } catch (err) {
        if (!(err instanceof ProbeFailure) || ctx.signal.aborted) throw err;
        lastError = err;
      }
    }
    throw lastError;
  },

  check(value: unknown): string | undefined {
    const v = value as JetStreamValue;
    if (!v.metaLeader) return 'expected a JetStream meta leader, got none';
    if (v.metaLeaderConfirmed === false) return `expected a live meta leader, but ${v.metaLeader} (named by ${v.askedVia ?? 'the server'}) does not answer as leader`;
    return undefined;
  },
};

async function askServer(ctx: ProbeContext, p: JetStreamProbe, service: string | undefined): Promise<JetStreamValue> {
  const monitor = await resolveAddress({ service, host: p.host, port: p.monitorPort }, ctx);
  const meta = ((await fetchMonitor(ctx, monitor, 'jsz')).body.meta_cluster ?? {}) as Meta;
  const value: JetStreamValue = { askedVia: service, metaLeader: meta.leader || null, metaClusterSize: meta.cluster_size };
  value.metaLeaderConfirmed = await confirmLeader(ctx, value.metaLeader, service, p.monitorPort);
  if (p.stream === undefined) return value;

  const addr = await resolveAddress({ service, host: p.host, port: p.port }, ctx);
  const open: NatsConnection[] = [];
  const off = onAbort(ctx.signal, () => open.forEach((nc) => void nc.close().catch(() => undefined)));
  try {
    const nc = await dial(ctx, addr, open);
    await streamState(nc, p, value, addr, ctx.timeoutMs);
    return value;
  } finally {
    off();
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
  }
}

/** Asks the named leader itself, when it is a service of the stack; a dead one cannot answer. */
async function confirmLeader(ctx: ProbeContext, leader: string | null, askedVia: string | undefined, monitorPort: number): Promise<boolean | undefined> {
  if (!leader || ctx.stack?.ports[`${leader}:${monitorPort}`] === undefined) return undefined;
  if (leader === askedVia) return true;
  try {
    const own = (await fetchMonitor(ctx, await resolveAddress({ service: leader, port: monitorPort }, ctx), 'jsz')).body.meta_cluster as Meta | undefined;
    return own?.leader === leader;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return false;
  }
}

async function streamState(nc: NatsConnection, p: JetStreamProbe, value: JetStreamValue, addr: Address, timeout: number): Promise<void> {
  const jsm = await nc.jetstreamManager({ timeout, checkAPI: false });
  const where = `jetstream ${hostPort(addr)}`;
  const si = await jsm.streams.info(p.stream ?? '').catch((err: unknown) => {
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
  if (p.consumer === undefined) return;
  const ci = await jsm.consumers.info(si.config.name, p.consumer).catch((err: unknown) => {
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
}
