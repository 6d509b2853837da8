/**
 * Turns a probe's service+port or host+port into an address on loopback. Services resolve through
 * the ports the stack published on 127.0.0.1; any other host is refused again here, because the
 * network rule must hold even for input that skipped the schema.
 */
import { type Endpoint, describeEndpoint, isLoopback } from '../../spec/endpoint';
import type { StackHandle } from '../types';
import { ProbeFailure } from './probe';

export interface Address {
  host: string;
  port: number;
}

export function resolveAddress(e: Endpoint, stack: StackHandle | undefined): Address {
  if (e.service !== undefined) {
    if (!stack) throw new ProbeFailure(`${describeEndpoint(e)}: a service endpoint needs a running stack`);
    const key = `${e.service}:${e.port}`;
    const hostPort = stack.ports[key];
    if (hostPort === undefined) {
      const known = Object.keys(stack.ports).sort().join(', ') || 'none';
      throw new ProbeFailure(`no host port is published for ${key} in project ${stack.project} (published: ${known})`);
    }
    return { host: '127.0.0.1', port: hostPort };
  }
  const host = e.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new ProbeFailure(`refusing to probe ${host}: only loopback hosts may be probed`);
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: e.port };
}

/** `host:port`, with brackets for IPv6 as URLs and NATS server strings need. */
export const hostPort = (a: Address): string => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);
