/**
 * Schemas of the NATS observability probes, kept beside the other probe kinds' list in probes.ts:
 * `jetstream` asks the JetStream API (stream and consumer state) and the monitoring port (meta
 * leader); `nats-monitor` reads one page of a server's monitoring endpoint.
 */
import { z } from 'zod';
import { Timeout } from './duration';
import { EndpointFields, Port, oneAddress } from './endpoint';
import { Expectation } from './expect';

const common = { timeout: Timeout.default('2s'), expect: Expectation.optional() };

export const MONITOR_PAGES = ['varz', 'routez', 'gatewayz', 'jsz', 'healthz', 'connz'] as const;

export const JetStreamProbeSchema = z
  .object({
    kind: z.literal('jetstream'),
    ...EndpointFields,
    port: EndpointFields.port.default(4222),
    /** The same server's monitoring port, where /jsz names the JetStream meta leader. */
    monitorPort: Port.default(8222),
    /** Other services (same ports) asked in order when the previous one does not answer, e.g. after it was killed. */
    alternates: z.array(z.string().min(1)).default([]),
    stream: z.string().min(1).optional(),
    /** A durable consumer of `stream`. */
    consumer: z.string().min(1).optional(),
    ...common,
  })
  .strict()
  .superRefine(oneAddress)
  .superRefine((p, ctx) => {
    if (p.alternates.length > 0 && p.service === undefined) {
      ctx.addIssue({ code: 'custom', path: ['alternates'], message: 'alternates are services, so the probe needs "service" too' });
    }
    if (p.consumer !== undefined && p.stream === undefined) {
      ctx.addIssue({ code: 'custom', path: ['consumer'], message: 'a consumer needs its "stream"' });
    }
  });

export const NatsMonitorProbeSchema = z
  .object({
    kind: z.literal('nats-monitor'),
    ...EndpointFields,
    port: EndpointFields.port.default(8222),
    page: z.enum(MONITOR_PAGES).default('varz'),
    ...common,
  })
  .strict()
  .superRefine(oneAddress);
