/**
 * Schemas of the NATS workloads, listed beside the other kinds in workloads.ts. `nats-publish`
 * records which ids the server acknowledged (JetStream: a PubAck; core: the server took the
 * message, which is all core NATS promises); `nats-subscribe` records every id it receives.
 */
import { z } from 'zod';
import { Timeout } from './duration';
import { EndpointFields, oneAddress } from './endpoint';
import { kebabId } from './ids';
import { Rate } from './rate';

const common = {
  id: kebabId('workload ids'),
  rate: Rate,
  timeout: Timeout.default('2s'),
  concurrency: z.number().int().positive().max(256).default(16),
  ...EndpointFields,
  port: EndpointFields.port.default(4222),
  subject: z.string().min(1),
};

export const NatsPublishSchema = z
  .object({
    kind: z.literal('nats-publish'),
    ...common,
    /** Publish through JetStream and wait for its PubAck (with the op id as Nats-Msg-Id). */
    jetstream: z.boolean().default(false),
    /** Created (or kept) when the workload starts, capturing `subject`. JetStream only. */
    stream: z.object({ name: z.string().min(1), replicas: z.number().int().min(1).max(5).default(3) }).strict().optional(),
  })
  .strict()
  .superRefine(oneAddress)
  .superRefine((w, ctx) => {
    if (w.stream !== undefined && !w.jetstream) ctx.addIssue({ code: 'custom', path: ['stream'], message: 'a stream needs "jetstream: true"' });
  });

/**
 * A durable pull consumer: each operation fetches up to `batch` messages and acks them. `rate` is
 * how often it fetches. Created on the stream when missing, filtered on `subject`.
 */
export const NatsConsumeSchema = z
  .object({
    kind: z.literal('nats-consume'),
    ...common,
    stream: z.string().min(1),
    durable: z.string().regex(/^[A-Za-z0-9_-]+$/, 'durable names use letters, digits, "_" and "-"'),
    batch: z.number().int().min(1).max(1000).default(50),
    /** Redelivery delay for a message fetched but not acked, e.g. because the consumer froze. */
    ackWait: Timeout.default('5s'),
  })
  .strict()
  .superRefine(oneAddress);

/** `rate` here is how often the subscription's connection is checked (each check is an operation). */
export const NatsSubscribeSchema = z
  .object({ kind: z.literal('nats-subscribe'), ...common })
  .strict()
  .superRefine(oneAddress);
