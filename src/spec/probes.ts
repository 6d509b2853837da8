import { z } from 'zod';
import { Timeout } from './duration';
import { EndpointFields, describeEndpoint, isLoopback, oneAddress } from './endpoint';
import { Expectation } from './expect';
import { JetStreamProbeSchema, NatsMonitorProbeSchema } from './nats-probes';
import { HeaderValues, SecretRef, describeSecretSources, urlHasCredentials } from './secrets';
import { Target, describeTarget } from './target';

/** The probe kinds. The workflow's registry of probe implementations is keyed by this same object. */
const common = { timeout: Timeout.default('2s'), expect: Expectation.optional() };

function isLoopbackUrl(u: string): boolean {
  try {
    const url = new URL(u);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname);
  } catch {
    return false;
  }
}

const loopbackUrl = z.string().superRefine((u, ctx) => {
  // A URL's "user:pass@" would reach history, summaries, labels and the plan: refused, never shown.
  if (urlHasCredentials(u)) ctx.addIssue({ code: 'custom', message: 'url must not carry credentials ("user:pass@"); send them as a header from { env } or { file }' });
  else if (!isLoopbackUrl(u)) ctx.addIssue({ code: 'custom', message: 'url must be an http(s) URL on a loopback host (127.0.0.1, localhost, ::1)' });
});

export const PROBE_SCHEMAS = {
  http: z
    .object({
      kind: z.literal('http'),
      url: loopbackUrl.optional(),
      service: EndpointFields.service,
      port: EndpointFields.port.optional(),
      path: z.string().startsWith('/').default('/'),
      method: z.enum(['GET', 'HEAD', 'POST', 'PUT']).default('GET'),
      headers: HeaderValues.optional(),
      body: z.string().optional(),
      ...common,
    })
    .strict()
    .superRefine((p, ctx) => {
      const byService = p.service !== undefined || p.port !== undefined;
      if (p.url === undefined && (p.service === undefined || p.port === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'give either "url" or both "service" and "port"' });
      } else if (p.url !== undefined && byService) {
        ctx.addIssue({ code: 'custom', message: 'give either "url" or both "service" and "port", not both' });
      }
    }),
  tcp: z.object({ kind: z.literal('tcp'), ...EndpointFields, ...common }).strict().superRefine(oneAddress),
  postgres: z
    .object({
      kind: z.literal('postgres'),
      ...EndpointFields,
      port: EndpointFields.port.default(5432),
      user: z.string().default('postgres'),
      /** A reference only ({ env } or { file }), resolved on the worker; a literal is refused. */
      password: SecretRef.optional(),
      database: z.string().default('postgres'),
      sql: z.string().min(1),
      ...common,
    })
    .strict()
    .superRefine(oneAddress),
  nats: z
    .object({
      kind: z.literal('nats'),
      ...EndpointFields,
      port: EndpointFields.port.default(4222),
      /** Where the replier or subscriber connects; defaults to the same server. */
      via: z.object(EndpointFields).strict().superRefine(oneAddress).optional(),
      mode: z.enum(['request-reply', 'publish-subscribe']).default('request-reply'),
      subject: z.string().min(1).optional(),
      ...common,
    })
    .strict()
    .superRefine(oneAddress),
  container: z.object({ kind: z.literal('container'), target: Target, ...common }).strict(),
  jetstream: JetStreamProbeSchema,
  'nats-monitor': NatsMonitorProbeSchema,
} as const;

export type ProbeKind = keyof typeof PROBE_SCHEMAS;
export const PROBE_KINDS = Object.keys(PROBE_SCHEMAS) as ProbeKind[];
export const ProbeSpec = z.discriminatedUnion('kind', [
  PROBE_SCHEMAS.http,
  PROBE_SCHEMAS.tcp,
  PROBE_SCHEMAS.postgres,
  PROBE_SCHEMAS.nats,
  PROBE_SCHEMAS.container,
  PROBE_SCHEMAS.jetstream,
  PROBE_SCHEMAS['nats-monitor'],
]);
export type ProbeSpec = z.infer<typeof ProbeSpec>;
export type ProbeOf<K extends ProbeKind> = Extract<ProbeSpec, { kind: K }>;

/** A probe is given inline or by the id of an entry in the experiment's `probes` library. */
export const ProbeRef = z.union([z.string().min(1), ProbeSpec]);
export type ProbeRef = z.infer<typeof ProbeRef>;

export function describeProbe(p: ProbeSpec): string {
  switch (p.kind) {
    case 'http':
      return `http ${p.method} ${p.url ?? `${p.service}:${p.port}${p.path}`}${describeSecretSources({ headers: p.headers })}`;
    case 'tcp':
      return `tcp ${describeEndpoint(p)}`;
    case 'postgres':
      return `postgres ${describeEndpoint(p)} "${p.sql}"${describeSecretSources({ password: p.password })}`;
    case 'nats':
      return `nats ${p.mode} ${describeEndpoint(p)}${p.via ? ` via ${describeEndpoint(p.via)}` : ''}`;
    case 'container':
      return `container ${describeTarget(p.target)}`;
    case 'jetstream':
      return `jetstream ${describeEndpoint(p)}${p.stream ? ` stream ${p.stream}` : ''}${p.consumer ? ` consumer ${p.consumer}` : ''}`;
    case 'nats-monitor':
      return `nats-monitor ${describeEndpoint(p)} /${p.page}`;
  }
}
