/**
 * The one map from fault kind to driver. Typed against the spec's list of kinds, so a kind without
 * a driver (or a driver for a kind the spec does not know) fails to compile.
 */
import type { FaultKind, FaultOf } from '../../spec/faults';
import { containerKill } from './container-kill';
import { containerPause } from './container-pause';
import { containerRestart } from './container-restart';
import { containerStop } from './container-stop';
import type { FaultDriver } from './driver';
import { membershipSurge } from './membership-surge';
import { networkBandwidth } from './network-bandwidth';
import { networkLatency } from './network-latency';
import { networkLoss } from './network-loss';
import { networkPartition } from './network-partition';
import { networkReset } from './network-reset';
import { networkTimeout } from './network-timeout';
import { processKill } from './process-kill';

type DriverMap = { [K in FaultKind]: FaultDriver<FaultOf<K>> };

export const FAULT_DRIVERS = {
  'container-kill': containerKill,
  'container-stop': containerStop,
  'container-restart': containerRestart,
  'container-pause': containerPause,
  'network-partition': networkPartition,
  'network-loss': networkLoss,
  'network-latency': networkLatency,
  'network-bandwidth': networkBandwidth,
  'network-timeout': networkTimeout,
  'network-reset': networkReset,
  'membership-surge': membershipSurge,
  'process-kill': processKill,
} satisfies DriverMap;

const drivers: DriverMap = FAULT_DRIVERS;

/** Indexing the mapped type with a generic key keeps each driver paired with its own spec type. */
export function driverFor<K extends FaultKind>(kind: K): FaultDriver<FaultOf<K>> {
  return drivers[kind];
}
