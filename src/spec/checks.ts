/**
 * The check kinds: verdicts over what the run observed. `time-to-green` and `drained` poll a probe;
 * the others judge the histories the workloads recorded (see HISTORY_CHECK_KINDS).
 */
import { z } from 'zod';
import { Duration, Interval, Timeout } from './duration';
import { EndpointFields, oneAddress } from './endpoint';
import { Expectation } from './expect';
import { ProbeRef } from './probes';
import { WorkloadId } from './workloads';

const id = z.string().min(1).optional();

/** Where the consumer side of a no-loss check reads what was delivered. */
export const ConsumedSource = z.union([
  z
    .object({
      jetstream: z
        .object({
          stream: z.string().min(1),
          endpoint: z.object({ ...EndpointFields, port: EndpointFields.port.default(4222) }).strict().superRefine(oneAddress),
        })
        .strict(),
    })
    .strict(),
  z.object({ workload: WorkloadId }).strict(),
]);
export type ConsumedSource = z.infer<typeof ConsumedSource>;

export const CHECK_SCHEMAS = {
  /** After restore, the probe must pass `consecutive` times in a row within `within`. */
  'time-to-green': z
    .object({
      kind: z.literal('time-to-green'),
      id,
      probe: ProbeRef,
      within: Timeout,
      consecutive: z.number().int().positive().default(3),
      interval: Interval.default('500ms'),
    })
    .strict(),
  /** Once the workloads have stopped, the probe (a backlog count) must reach its expectation (default 0) within `within`. */
  drained: z
    .object({
      kind: z.literal('drained'),
      id,
      probe: ProbeRef,
      expect: Expectation.default({ eq: 0 }),
      within: Timeout,
      interval: Interval.default('500ms'),
    })
    .strict(),
  /** Every operation the producer saw acknowledged must be delivered, and none twice. */
  'no-loss': z.object({ kind: z.literal('no-loss'), id, produced: WorkloadId, consumed: ConsumedSource }).strict(),
  /** No request that started inside a fault window may have been allowed. */
  'fail-closed': z
    .object({
      kind: z.literal('fail-closed'),
      id,
      workload: WorkloadId,
      /** Decisions that count as "allowed"; without a decision, a 2xx status does. */
      allow: z.array(z.string().min(1)).min(1).default(['allow']),
    })
    .strict(),
  /** The share of successful operations in a window must be at least `min`. */
  'success-rate': z
    .object({
      kind: z.literal('success-rate'),
      id,
      workload: WorkloadId,
      min: z.number().min(0).max(1),
      /** before: until the first fault; after: from `settle` after the last restore until the workload stopped. */
      window: z.enum(['before', 'after', 'all']),
      settle: Duration.default('0s'),
      /** With window "after": the workloads keep running at least this long after `settle`, so the window has traffic. */
      for: Duration.default('5s'),
    })
    .strict(),
  /**
   * A latency percentile of a workload's successful operations in a window must be above `gt` and/or
   * below `lt`: e.g. p95 rises while a latency fault holds and is back to normal after it.
   */
  latency: z
    .object({
      kind: z.literal('latency'),
      id,
      workload: WorkloadId,
      percentile: z.number().gt(0).max(100).default(95),
      /** before: until the first fault; during: started inside a fault window; after: from `settle` after the last restore. */
      window: z.enum(['before', 'during', 'after']),
      gt: Duration.optional(),
      lt: Duration.optional(),
      settle: Duration.default('0s'),
    })
    .strict()
    .refine((c) => c.gt !== undefined || c.lt !== undefined, { message: 'give "gt", "lt" or both' }),
} as const;

export type CheckKind = keyof typeof CHECK_SCHEMAS;
export const CHECK_KINDS = Object.keys(CHECK_SCHEMAS) as CheckKind[];
export const CheckSpec = z.discriminatedUnion('kind', [
  CHECK_SCHEMAS['time-to-green'],
  CHECK_SCHEMAS.drained,
  CHECK_SCHEMAS['no-loss'],
  CHECK_SCHEMAS['fail-closed'],
  CHECK_SCHEMAS['success-rate'],
  CHECK_SCHEMAS.latency,
]);
export type CheckSpec = z.infer<typeof CheckSpec>;
export type CheckOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>;

/** Checks judged by an activity over the workloads' recorded histories, after the workloads stop. */
export const HISTORY_CHECK_KINDS = ['no-loss', 'fail-closed', 'success-rate', 'latency'] as const satisfies readonly CheckKind[];
export type HistoryCheckKind = (typeof HISTORY_CHECK_KINDS)[number];
export type HistoryCheckSpec = CheckOf<HistoryCheckKind>;
export const isHistoryCheck = (c: CheckSpec): c is HistoryCheckSpec => (HISTORY_CHECK_KINDS as readonly string[]).includes(c.kind);
