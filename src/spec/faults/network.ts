/**
 * The network fault kinds. iptables faults (partition, loss) select traffic by peers and ports;
 * proxy faults (latency, bandwidth, timeout, reset) act through a Toxiproxy proxy or, where the
 * kernel has it, tc netem in the target's namespace. Drivers: src/activities/faults/network/.
 */
import { z } from 'zod';
import { Duration, formatDuration } from '../duration';
import { CONTAINER_TARGET, type ServiceRef, declareFault } from './kind';
import { Target, describeTarget } from '../target';

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

const NetworkPartition = z
  .object({ kind: z.literal('network-partition'), ...trafficFields })
  .strict()
  .refine((f) => f.peers !== undefined || f.ports !== undefined, {
    message: 'give "peers", "ports" or both: a partition needs something to be cut off from',
  });

const NetworkLoss = z
  .object({
    kind: z.literal('network-loss'),
    ...trafficFields,
    probability: z.number().gt(0, 'must be more than 0').max(1, 'must be at most 1'),
  })
  .strict();

/** Names that reach a generated script or URL: letters, digits, `.`, `_`, `-`, not starting with a dot or dash. */
export const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const VIA_MESSAGE = 'expected "toxiproxy" or "netem"';
/** Fields every proxy fault shares. With `via: toxiproxy` the target is the Toxiproxy container. */
const proxyFields = {
  target: Target,
  via: z.enum(['toxiproxy', 'netem'], { error: VIA_MESSAGE }).default('toxiproxy'),
  /**
   * Name of the Toxiproxy proxy (required with via: toxiproxy). It reaches the URL a reverter's
   * script calls, so it is held to a safe alphabet (Toxiproxy's own names fit it).
   */
  proxy: z
    .string()
    .min(1)
    .regex(SAFE_NAME, 'a proxy name may use only letters, digits, ".", "_" and "-" (it reaches a generated revert script)')
    .optional(),
  /** downstream: server to client; upstream: client to server. */
  stream: z.enum(['downstream', 'upstream'], { error: 'expected "downstream" or "upstream"' }).default('downstream'),
  /** Share of connections the toxic applies to (Toxiproxy only). */
  toxicity: z.number().min(0).max(1).default(1),
};

const needsProxy = {
  check: (f: { via: string; proxy?: string }) => f.via !== 'toxiproxy' || f.proxy !== undefined,
  message: { message: 'with via: toxiproxy give "proxy", the name of the Toxiproxy proxy to slow down', path: ['proxy'] },
};

const NetworkLatency = z
  .object({ kind: z.literal('network-latency'), ...proxyFields, latency: Duration, jitter: Duration.default(0) })
  .strict()
  .refine(needsProxy.check, needsProxy.message);

const NetworkBandwidth = z
  .object({ kind: z.literal('network-bandwidth'), ...proxyFields, rate: z.number().int().min(1, 'at least 1 KB/s') })
  .strict()
  .refine(needsProxy.check, needsProxy.message);

/** Data stops flowing; after `timeout` the connection is closed (0: held open until restored). */
const NetworkTimeout = z
  .object({ kind: z.literal('network-timeout'), ...proxyFields, timeout: Duration.default(0) })
  .strict()
  .refine(needsProxy.check, needsProxy.message);

/** Connections are reset (TCP RST) after `timeout`. netem cannot send resets, hence toxiproxy only. */
const NetworkReset = z
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


/** Peers are services of the target's stack, checked against the compose file before the run. */
const peerRefs = (f: { peers?: string[] }): ServiceRef[] => (f.peers ?? []).map((service, i) => ({ service, path: `peers[${i}]` }));

const IPTABLES = { ports: ['ops', 'net'], selfRevert: true } as const;
const IPTABLES_HOST = 'root, `nsenter` and `iptables`; the target must be running';
const IPTABLES_UNDO = "deleting exactly the iptables rules tagged with this fault's id";

export const NETWORK_PARTITION = declareFault({
  kind: 'network-partition',
  schema: NetworkPartition,
  target: CONTAINER_TARGET,
  references: peerRefs,
  describe: (f) => `partition ${describeTarget(f.target)} from ${describeTraffic(f)}`,
  capabilities: IPTABLES,
  docs: { breaks: 'drops all traffic with `peers` and/or on `ports` (iptables DROP rules in its netns)', undoneBy: IPTABLES_UNDO, host: IPTABLES_HOST },
});

export const NETWORK_LOSS = declareFault({
  kind: 'network-loss',
  schema: NetworkLoss,
  target: CONTAINER_TARGET,
  references: peerRefs,
  describe: (f) => `drop ${Math.round(f.probability * 100)}% of ${describeTraffic(f)} at ${describeTarget(f.target)}`,
  capabilities: IPTABLES,
  docs: { breaks: 'drops a random share (`probability`) of the matching packets', undoneBy: IPTABLES_UNDO, host: IPTABLES_HOST },
});

const PROXY = { ports: ['net'], selfRevert: true } as const;
const PROXY_HOST = 'toxiproxy: a Toxiproxy service in the stack; netem: root, `nsenter`, `tc` and the `sch_netem` module';
const PROXY_TARGET = 'the Toxiproxy container (`via: toxiproxy`), or the containers whose traffic netem shapes';
const PROXY_UNDO = "deleting the toxic named after the fault id (netem: the root qdisc with the fault's handle)";

export const NETWORK_LATENCY = declareFault({
  kind: 'network-latency',
  schema: NetworkLatency,
  target: CONTAINER_TARGET,
  describe: (f) => `add ${formatDuration(f.latency)} latency ${describeVia(f)} at ${describeTarget(f.target)}`,
  capabilities: PROXY,
  docs: { target: PROXY_TARGET, breaks: 'delays traffic by `latency` (± `jitter`)', undoneBy: PROXY_UNDO, host: PROXY_HOST },
});

export const NETWORK_BANDWIDTH = declareFault({
  kind: 'network-bandwidth',
  schema: NetworkBandwidth,
  target: CONTAINER_TARGET,
  describe: (f) => `limit bandwidth to ${f.rate} KB/s ${describeVia(f)} at ${describeTarget(f.target)}`,
  capabilities: PROXY,
  docs: { target: PROXY_TARGET, breaks: 'caps throughput at `rate` KB/s', undoneBy: PROXY_UNDO, host: PROXY_HOST },
});

export const NETWORK_TIMEOUT = declareFault({
  kind: 'network-timeout',
  schema: NetworkTimeout,
  target: CONTAINER_TARGET,
  describe: (f) => `stall connections ${describeVia(f)} at ${describeTarget(f.target)}`,
  capabilities: PROXY,
  docs: { target: PROXY_TARGET, breaks: 'stops all data; Toxiproxy closes the connection after `timeout` (0: never)', undoneBy: PROXY_UNDO, host: PROXY_HOST },
});

export const NETWORK_RESET = declareFault({
  kind: 'network-reset',
  schema: NetworkReset,
  target: CONTAINER_TARGET,
  describe: (f) => `reset connections ${describeVia(f)} at ${describeTarget(f.target)}`,
  capabilities: PROXY,
  docs: { target: 'the Toxiproxy container', breaks: 'resets connections (TCP RST) after `timeout`; Toxiproxy only', undoneBy: 'deleting the toxic named after the fault id', host: 'a Toxiproxy service in the stack' },
});

export const NETWORK_FAULTS = [NETWORK_PARTITION, NETWORK_LOSS, NETWORK_LATENCY, NETWORK_BANDWIDTH, NETWORK_TIMEOUT, NETWORK_RESET] as const;
