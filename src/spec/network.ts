import { z } from 'zod';
import { Duration } from './duration';
import { Target } from './target';

/**
 * Schemas of the network fault kinds. iptables faults (partition, loss) select traffic by peers
 * and ports; proxy faults (latency, bandwidth, timeout, reset) act through a Toxiproxy proxy or,
 * where the kernel has it, tc netem in the target's namespace.
 */
const Port = z.number().int('a port is a whole number').min(1).max(65535);

/** Which traffic of the target an iptables fault drops. */
const trafficFields = {
  target: Target,
  /** Compose services of the same stack; resolved to their addresses on networks shared with the target. */
  peers: z.array(z.string().min(1)).min(1, 'give at least one peer').optional(),
  /** Ports on either end: the target's own listening ports and the ports it connects to. */
  ports: z.array(Port).min(1, 'give at least one port').optional(),
  protocol: z.enum(['tcp', 'udp'], { error: 'expected "tcp" or "udp"' }).default('tcp'),
  direction: z.enum(['both', 'ingress', 'egress'], { error: 'expected "both", "ingress" or "egress"' }).default('both'),
};

export const NetworkPartition = z
  .object({ kind: z.literal('network-partition'), ...trafficFields })
  .strict()
  .refine((f) => f.peers !== undefined || f.ports !== undefined, {
    message: 'give "peers", "ports" or both: a partition needs something to be cut off from',
  });

export const NetworkLoss = z
  .object({
    kind: z.literal('network-loss'),
    ...trafficFields,
    probability: z.number().gt(0, 'must be more than 0').max(1, 'must be at most 1'),
  })
  .strict();

const VIA_MESSAGE = 'expected "toxiproxy" or "netem"';
/** Fields every proxy fault shares. With `via: toxiproxy` the target is the Toxiproxy container. */
const proxyFields = {
  target: Target,
  via: z.enum(['toxiproxy', 'netem'], { error: VIA_MESSAGE }).default('toxiproxy'),
  /** Name of the Toxiproxy proxy (required with via: toxiproxy). */
  proxy: z.string().min(1).optional(),
  /** downstream: server to client; upstream: client to server. */
  stream: z.enum(['downstream', 'upstream'], { error: 'expected "downstream" or "upstream"' }).default('downstream'),
  /** Share of connections the toxic applies to (Toxiproxy only). */
  toxicity: z.number().min(0).max(1).default(1),
};

const needsProxy = {
  check: (f: { via: string; proxy?: string }) => f.via !== 'toxiproxy' || f.proxy !== undefined,
  message: { message: 'with via: toxiproxy give "proxy", the name of the Toxiproxy proxy to slow down', path: ['proxy'] },
};

export const NetworkLatency = z
  .object({ kind: z.literal('network-latency'), ...proxyFields, latency: Duration, jitter: Duration.default(0) })
  .strict()
  .refine(needsProxy.check, needsProxy.message);

export const NetworkBandwidth = z
  .object({ kind: z.literal('network-bandwidth'), ...proxyFields, rate: z.number().int().min(1, 'at least 1 KB/s') })
  .strict()
  .refine(needsProxy.check, needsProxy.message);

/** Data stops flowing; after `timeout` the connection is closed (0: held open until restored). */
export const NetworkTimeout = z
  .object({ kind: z.literal('network-timeout'), ...proxyFields, timeout: Duration.default(0) })
  .strict()
  .refine(needsProxy.check, needsProxy.message);

/** Connections are reset (TCP RST) after `timeout`. netem cannot send resets, hence toxiproxy only. */
export const NetworkReset = z
  .object({
    kind: z.literal('network-reset'),
    ...proxyFields,
    via: z.literal('toxiproxy', { error: 'network-reset works only via "toxiproxy" (netem cannot reset connections)' }).default('toxiproxy'),
    timeout: Duration.default(0),
  })
  .strict()
  .refine(needsProxy.check, needsProxy.message);

type Traffic = { peers?: string[]; ports?: number[]; protocol: string; direction: string };
export function describeTraffic(f: Traffic): string {
  const parts = [f.peers ? `peers ${f.peers.join(',')}` : '', f.ports ? `${f.protocol} ports ${f.ports.join(',')}` : ''];
  const what = parts.filter(Boolean).join(' on ') || 'all traffic';
  return f.direction === 'both' ? what : `${what} (${f.direction})`;
}

export const describeVia = (f: { via: string; proxy?: string; stream: string }): string =>
  f.via === 'toxiproxy' ? `via toxiproxy proxy ${f.proxy} ${f.stream}` : 'via netem';

