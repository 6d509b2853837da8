/**
 * The one map from probe kind to implementation, typed against the spec's list of kinds: a kind
 * without a probe, or a probe for a kind the spec does not know, fails to compile.
 */
import type { ProbeKind, ProbeOf } from '../../spec/probes';
import { containerProbe } from './container';
import { httpProbe } from './http';
import { jetstreamProbe } from './jetstream';
import { natsProbe } from './nats';
import { natsMonitorProbe } from './nats-monitor';
import { postgresProbe } from './postgres';
import type { Probe } from './probe';
import { tcpProbe } from './tcp';

type ProbeMap = { [K in ProbeKind]: Probe<ProbeOf<K>> };

export const PROBES = {
  http: httpProbe,
  tcp: tcpProbe,
  postgres: postgresProbe,
  nats: natsProbe,
  container: containerProbe,
  jetstream: jetstreamProbe,
  'nats-monitor': natsMonitorProbe,
} satisfies ProbeMap;

const probes: ProbeMap = PROBES;

export function probeFor<K extends ProbeKind>(kind: K): Probe<ProbeOf<K>> {
  return probes[kind];
}
