/**
 * The one map from fault kind to driver, built from the ports. Typed against the spec's declared
 * kinds, so a kind without a driver (or a driver for a kind the spec does not know) fails to
 * compile, and each factory's parameter type is the port list its kind declares.
 */
import type { FaultKind, FaultOf } from '../../spec/faults';
import type { Clock } from '../ports';
import { containerKill } from './container/container-kill';
import { containerPause } from './container/container-pause';
import { containerRestart } from './container/container-restart';
import { containerStop } from './container/container-stop';
import { membershipSurge } from './cluster/membership-surge';
import type { FaultDriver, FaultPorts } from './driver';
import { processKill } from './host/process-kill';
import { networkLoss } from './network/iptables/network-loss';
import { networkPartition } from './network/iptables/network-partition';
import { networkBandwidth } from './network/proxy/network-bandwidth';
import { networkLatency } from './network/proxy/network-latency';
import { networkReset } from './network/proxy/network-reset';
import { networkTimeout } from './network/proxy/network-timeout';

export type DriverMap = { [K in FaultKind]: FaultDriver<FaultOf<K>> };

/** The drivers of every kind, and the clock the fan-out stamps inject and restore times with. */
export interface FaultDrivers {
  clock: Clock;
  byKind: DriverMap;
}

export function createFaultDrivers(ports: FaultPorts): FaultDrivers {
  const byKind = {
    'container-kill': containerKill(ports),
    'container-stop': containerStop(ports),
    'container-restart': containerRestart(ports),
    'container-pause': containerPause(ports),
    'network-partition': networkPartition(ports),
    'network-loss': networkLoss(ports),
    'network-latency': networkLatency(ports),
    'network-bandwidth': networkBandwidth(ports),
    'network-timeout': networkTimeout(ports),
    'network-reset': networkReset(ports),
    'membership-surge': membershipSurge(ports),
    'process-kill': processKill(ports),
  } satisfies DriverMap;
  return { clock: ports.clock, byKind };
}

/** Indexing the mapped type with a generic key keeps each driver paired with its own spec type. */
export function driverFor<K extends FaultKind>(drivers: FaultDrivers, kind: K): FaultDriver<FaultOf<K>> {
  const byKind: DriverMap = drivers.byKind;
  return byKind[kind];
}
