/**
 * Where a probe connects: a compose service's container port (resolved to the port published on
 * 127.0.0.1 when the stack is up) or a host port on loopback. Faultline never sends traffic to any
 * other address, so a non-loopback host is rejected here, and again at run time on the address the
 * host resolves to (see loopback.ts).
 */
import { z } from 'zod';
import { isLoopback } from './loopback';
import { hostHasCredentials } from './secrets';

export { isLoopback, isLoopbackIp } from './loopback';

export const Port = z.number().int().min(1).max(65535);

export const EndpointFields = {
  service: z.string().min(1).optional(),
  host: z
    .string()
    .superRefine((h, ctx) => {
      // Checked first and said plainly: a "user:pass@" host would otherwise show its password in every label.
      if (hostHasCredentials(h)) ctx.addIssue({ code: 'custom', message: 'a host must not carry credentials ("user:pass@"); give a password as { env } or { file }' });
      else if (!isLoopback(h)) ctx.addIssue({ code: 'custom', message: 'only loopback hosts (127.0.0.0/8, localhost, ::1) may be probed' });
    })
    .optional(),
  port: Port,
};

/** Both would leave the probe's address ambiguous. */
export function oneAddress(e: { service?: string; host?: string }, ctx: z.RefinementCtx): void {
  if (e.service !== undefined && e.host !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['host'], message: 'give "service" or "host", not both' });
  }
}

export interface Endpoint {
  service?: string;
  host?: string;
  port: number;
}

export function describeEndpoint(e: Endpoint): string {
  return e.service ? `${e.service}:${e.port}` : `${e.host ?? '127.0.0.1'}:${e.port}`;
}
