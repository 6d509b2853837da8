import { z } from 'zod';
import { Timeout } from './duration';
import { EndpointFields, describeEndpoint, oneAddress } from './endpoint';
import { NatsConsumeSchema, NatsPublishSchema, NatsSubscribeSchema } from './nats-workloads';
import { kebabId } from './ids';
import { HeaderValues, SecretRef, describeSecretSources } from './secrets';
import { Rate } from './rate';

export { Rate, ratePerSecond } from './rate';

/**
 * The workload kinds: background clients that run from stack up until recovery has been measured
 * and record every operation (invoked, then ok / failed / unknown) so checks can judge invariants
 * over what a real client saw. The driver map in src/activities/workloads is typed against this object.
 */
export const WorkloadId = kebabId('workload ids');

const common = {
  id: WorkloadId,
  rate: Rate,
  /** Per-operation timeout; an operation cut off by it is recorded as `unknown`. */
  timeout: Timeout.default('2s'),
  /** Operations allowed in flight at once; at the limit a tick is skipped and counted. */
  concurrency: z.number().int().positive().max(256).default(16),
};

export const WORKLOAD_SCHEMAS = {
  /** Writes a business row and an outbox row in one transaction; the operation id is the row id. */
  'pg-outbox-writer': z
    .object({
      kind: z.literal('pg-outbox-writer'),
      ...common,
      ...EndpointFields,
      port: EndpointFields.port.default(5432),
      user: z.string().default('postgres'),
      /** A reference only ({ env } or { file }), resolved on the worker; a literal is refused. */
      password: SecretRef.optional(),
      database: z.string().default('postgres'),
      businessTable: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('orders'),
      outboxTable: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('outbox'),
      /** Subject the relay publishes the event on, stored in the outbox row. */
      subject: z.string().min(1).default('events.orders'),
    })
    .strict()
    .superRefine(oneAddress),
  /** Requests at a fixed rate; records status, latency and (optionally) a decision read from the JSON body. */
  'http-load': z
    .object({
      kind: z.literal('http-load'),
      ...common,
      ...EndpointFields,
      path: z.string().startsWith('/').default('/'),
      method: z.enum(['GET', 'POST', 'PUT']).default('GET'),
      headers: HeaderValues.optional(),
      body: z.string().optional(),
      /** Top-level JSON field of the response body that holds the decision (e.g. "decision"). */
      decisionField: z.string().min(1).optional(),
    })
    .strict()
    .superRefine(oneAddress),
  'nats-publish': NatsPublishSchema,
  'nats-subscribe': NatsSubscribeSchema,
  'nats-consume': NatsConsumeSchema,
} as const;

export type WorkloadKind = keyof typeof WORKLOAD_SCHEMAS;
export const WORKLOAD_KINDS = Object.keys(WORKLOAD_SCHEMAS) as WorkloadKind[];
export const WorkloadSpec = z.discriminatedUnion('kind', [
  WORKLOAD_SCHEMAS['pg-outbox-writer'],
  WORKLOAD_SCHEMAS['http-load'],
  WORKLOAD_SCHEMAS['nats-publish'],
  WORKLOAD_SCHEMAS['nats-subscribe'],
  WORKLOAD_SCHEMAS['nats-consume'],
]);
export type WorkloadSpec = z.infer<typeof WorkloadSpec>;
export type WorkloadOf<K extends WorkloadKind> = Extract<WorkloadSpec, { kind: K }>;

export function describeWorkload(w: WorkloadSpec): string {
  switch (w.kind) {
    case 'pg-outbox-writer':
      return `${w.id}: pg-outbox-writer ${w.rate} into ${w.businessTable}+${w.outboxTable} on ${describeEndpoint(w)}${describeSecretSources({ password: w.password })}`;
    case 'http-load':
      return `${w.id}: http-load ${w.rate} ${w.method} ${describeEndpoint(w)}${w.path}${describeSecretSources({ headers: w.headers })}`;
    case 'nats-publish':
      return `${w.id}: nats-publish ${w.rate} on ${w.subject}${w.jetstream ? ' (JetStream)' : ''} via ${describeEndpoint(w)}`;
    case 'nats-subscribe':
      return `${w.id}: nats-subscribe ${w.subject} via ${describeEndpoint(w)}`;
    case 'nats-consume':
      return `${w.id}: nats-consume ${w.stream}/${w.durable} ${w.rate} via ${describeEndpoint(w)}`;
  }
}
