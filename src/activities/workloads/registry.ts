/**
 * The one map from workload kind to driver, typed against the spec's list of kinds: a kind without
 * a driver, or a driver for a kind the spec does not know, fails to compile.
 */
import type { WorkloadKind, WorkloadOf } from '../../spec/workloads';
import type { WorkloadDriver } from './driver';
import { httpLoad } from './http-load';
import { natsConsume } from './nats-consume';
import { natsPublish } from './nats-publish';
import { natsSubscribe } from './nats-subscribe';
import { pgOutboxWriter } from './pg-outbox-writer';

type DriverMap = { [K in WorkloadKind]: WorkloadDriver<WorkloadOf<K>> };

export const WORKLOAD_DRIVERS = {
  'pg-outbox-writer': pgOutboxWriter,
  'http-load': httpLoad,
  'nats-publish': natsPublish,
  'nats-subscribe': natsSubscribe,
  'nats-consume': natsConsume,
} satisfies DriverMap;

const drivers: DriverMap = WORKLOAD_DRIVERS;

export function workloadDriver<K extends WorkloadKind>(kind: K): WorkloadDriver<WorkloadOf<K>> {
  return drivers[kind];
}
