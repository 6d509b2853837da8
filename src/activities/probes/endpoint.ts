/**
 * Turns a probe's service+port or host+port into an address on loopback. Services resolve through
 * the ports the stack published on 127.0.0.1; any other host is refused again here, because the
 * network rule must hold even for input that skipped the schema. A name (`localhost`) is resolved
 * here and every address it resolves to must be loopback; callers connect to the address checked,
 * so a resolver answering differently a moment later changes nothing.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { type Endpoint, describeEndpoint, isLoopback, isLoopbackIp } from '../../spec/endpoint';
import { type HostPorts, describePorts, portAllowed } from '../../spec/host-ports';
import type { StackHandle } from '../types';
import { ProbeFailure } from './probe';
import { FaultlineError, errorText } from '../../errors';

export interface Address {
  host: string;
  port: number;
}

export interface Resolved {
  address: string;
  family: 4 | 6;
}

/** Every address a name resolves to; the system resolver unless a test passes its own. */
export type Lookup = (name: string) => Promise<Resolved[]>;

export const systemLookup: Lookup = async (name) =>
  (await dnsLookup(name, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * What an endpoint may reach: the run's stack (its services and the ports it published) and the
 * further host ports the worker's policy allows. Probe, workload and checker contexts all carry both.
 */
export interface Reach {
  stack?: StackHandle;
  hostPorts?: HostPorts;
}

/**
 * A host endpoint on a loopback port that is neither the stack's nor allowed by the worker: the
 * worker's configuration says no, so the activity fails (not retried) instead of sampling red.
 */
export class HostPortRefused extends FaultlineError {
  constructor(host: string, port: number, reach: Reach) {
    const published = reach.stack ? [...new Set(Object.values(reach.stack.ports))].sort((a, b) => a - b).join(', ') || 'none' : 'no stack';
    super(
      'HostPortRefused',
      `refusing to reach ${host}:${port}: a host endpoint may use only a port its stack published (${published}) or one the worker allows (${describePorts(reach.hostPorts)})`,
      {
        retryable: false,
        hint: 'probe the stack by service and container port, or allow the port in the worker policy (probes.hostPorts, FAULTLINE_PROBE_PORTS)',
        context: { host, port },
      },
    );
    this.name = 'HostPortRefused';
  }
}

/** Throws HostPortRefused unless the port is the stack's own or allowed by the worker. */
export function checkHostPort(host: string, port: number, reach: Reach): void {
  const published = reach.stack ? Object.values(reach.stack.ports) : [];
  if (!published.includes(port) && !portAllowed(port, reach.hostPorts)) throw new HostPortRefused(host, port, reach);
}

/** The endpoint's host as written (unbracketed) and its port, checked as text, not yet resolved. */
export function endpointAddress(e: Endpoint, reach: Reach): Address {
  const { stack } = reach;
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
  checkHostPort(host, e.port, reach);
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: e.port };
}

/** The endpoint as an IP literal on loopback, ready to connect to. */
export async function resolveAddress(e: Endpoint, reach: Reach, lookup: Lookup = systemLookup): Promise<Address> {
  const a = endpointAddress(e, reach);
  const [first] = await loopbackAddresses(a.host, lookup);
  return { host: first.address, port: a.port };
}

/**
 * The loopback addresses of a host, IPv4 first: an IP literal as it is, a name through `lookup`.
 * Refused unless the host is loopback as text and every address it resolves to is loopback too.
 */
export async function loopbackAddresses(host: string, lookup: Lookup = systemLookup): Promise<Resolved[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (!isLoopback(host) && !isLoopback(bare)) throw new ProbeFailure(`refusing to connect to ${host}: only loopback hosts may be probed`);
  if (isLoopbackIp(bare)) return [{ address: bare, family: bare.includes(':') ? 6 : 4 }];
  let found: Resolved[];
  try {
    found = await lookup(bare);
  } catch (err) {
    throw new ProbeFailure(`cannot resolve ${host}: ${errorText(err)}`, { cause: err });
  }
  const off = found.filter((a) => !isLoopbackIp(a.address));
  if (found.length === 0 || off.length > 0) {
    const to = found.length === 0 ? 'no address' : off.map((a) => a.address).join(', ');
    throw new ProbeFailure(`refusing to connect to ${host}: it resolves to ${to}, not loopback`);
  }
  return [...found].sort((a, b) => a.family - b.family);
}

/** `host:port`, with brackets for IPv6 as URLs and NATS server strings need. */
export const hostPort = (a: Address): string => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);
