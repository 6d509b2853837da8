import { z } from 'zod';
import { Duration, formatDuration } from './duration';
import {
  NetworkBandwidth,
  NetworkLatency,
  NetworkLoss,
  NetworkPartition,
  NetworkReset,
  NetworkTimeout,
  describeTraffic,
  describeVia,
} from './network';
import { MembershipSurge } from './surge';
import { ProcessKill, describeProcess } from './process';
import { Target, describeTarget } from './target';

/** The fault kinds. The driver map in src/activities/faults is typed against this same object. */
const SIGNAL = z.string().regex(/^(SIG[A-Z0-9]+|\d+)$/, 'expected a signal name like SIGKILL or SIGTERM');

export const FAULT_SCHEMAS = {
  'container-kill': z.object({ kind: z.literal('container-kill'), target: Target, signal: SIGNAL.default('SIGKILL') }).strict(),
  'container-stop': z
    .object({ kind: z.literal('container-stop'), target: Target, grace: Duration.default('10s') })
    .strict(),
  'container-restart': z
    .object({ kind: z.literal('container-restart'), target: Target, grace: Duration.default('0s') })
    .strict(),
  'container-pause': z.object({ kind: z.literal('container-pause'), target: Target }).strict(),
  'network-partition': NetworkPartition,
  'network-loss': NetworkLoss,
  'network-latency': NetworkLatency,
  'network-bandwidth': NetworkBandwidth,
  'network-timeout': NetworkTimeout,
  'network-reset': NetworkReset,
  'membership-surge': MembershipSurge,
  'process-kill': ProcessKill,
} as const;

export type FaultKind = keyof typeof FAULT_SCHEMAS;
export const FAULT_KINDS = Object.keys(FAULT_SCHEMAS) as FaultKind[];
/** Kinds that act on a container's lifecycle through the Docker API (the rest act on its network). */
export type ContainerFaultKind = Extract<FaultKind, `container-${string}`>;
export const CONTAINER_FAULT_KINDS = FAULT_KINDS.filter((k): k is ContainerFaultKind => k.startsWith('container-'));
export const FaultSpec = z.discriminatedUnion('kind', [
  FAULT_SCHEMAS['container-kill'],
  FAULT_SCHEMAS['container-stop'],
  FAULT_SCHEMAS['container-restart'],
  FAULT_SCHEMAS['container-pause'],
  FAULT_SCHEMAS['network-partition'],
  FAULT_SCHEMAS['network-loss'],
  FAULT_SCHEMAS['network-latency'],
  FAULT_SCHEMAS['network-bandwidth'],
  FAULT_SCHEMAS['network-timeout'],
  FAULT_SCHEMAS['network-reset'],
  FAULT_SCHEMAS['membership-surge'],
  FAULT_SCHEMAS['process-kill'],
]);
export type FaultSpec = z.infer<typeof FaultSpec>;
export type FaultOf<K extends FaultKind> = Extract<FaultSpec, { kind: K }>;

export function describeFault(f: FaultSpec): string {
  if (f.kind === 'process-kill') return `kill host ${describeProcess(f.process)} with ${f.signal}`;
  const on = describeTarget(f.target);
  switch (f.kind) {
    case 'container-kill':
      return `kill ${on} with ${f.signal}`;
    case 'container-stop':
      return `stop ${on} (grace ${formatDuration(f.grace)})`;
    case 'container-restart':
      return `restart ${on} (grace ${formatDuration(f.grace)})`;
    case 'container-pause':
      return `pause ${on}`;
    case 'network-partition':
      return `partition ${on} from ${describeTraffic(f)}`;
    case 'network-loss':
      return `drop ${Math.round(f.probability * 100)}% of ${describeTraffic(f)} at ${on}`;
    case 'membership-surge':
      return `add ${f.count} clone(s) of ${on}`;
    case 'network-latency':
      return `add ${formatDuration(f.latency)} latency ${describeVia(f)} at ${on}`;
    case 'network-bandwidth':
      return `limit bandwidth to ${f.rate} KB/s ${describeVia(f)} at ${on}`;
    case 'network-timeout':
      return `stall connections ${describeVia(f)} at ${on}`;
    case 'network-reset':
      return `reset connections ${describeVia(f)} at ${on}`;
  }
}
