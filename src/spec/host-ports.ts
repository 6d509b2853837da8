/**
 * Which loopback ports a `host` endpoint (a probe, workload or check source given as host:port or
 * URL rather than as a stack service) may reach. Loopback alone is not a boundary: it also holds
 * other runs' published ports, the Temporal server and its Web UI, and local admin services. So a
 * host endpoint may use a port the run's own stack published, or one the worker's operator allows
 * (policy `probes.hostPorts`, FAULTLINE_PROBE_PORTS). Pure: safe in workflow and CLI code.
 */

export interface PortRange {
  from: number;
  to: number;
}

/** The ports a host endpoint may reach besides its stack's own published ports. */
export type HostPorts = readonly PortRange[];

/** Every port: what `"*"` in a policy means. */
export const ANY_PORT: HostPorts = [{ from: 1, to: 65535 }];

const ENTRY = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** `5432`, `"8000-8099"` or `"*"` (any port) as a range; undefined when it is none of these. */
export function parsePortEntry(entry: number | string): PortRange | undefined {
  if (entry === '*') return { ...ANY_PORT[0] };
  const m = ENTRY.exec(String(entry).trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from >= 1 && to <= 65535 && from <= to ? { from, to } : undefined;
}

export function portAllowed(port: number, allowed: HostPorts | undefined): boolean {
  return (allowed ?? []).some((r) => port >= r.from && port <= r.to);
}

export function describePorts(allowed: HostPorts | undefined): string {
  const list = (allowed ?? []).map((r) => (r.from === 1 && r.to === 65535 ? 'any' : r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`));
  return list.length > 0 ? list.join(', ') : 'none';
}

const FIELDS = ['probes', 'steadyState', 'continuous', 'checks', 'workloads', 'method', 'rollbacks'] as const;

/**
 * Every loopback port a scenario's probes, workloads and checks name as a host endpoint: a `port`
 * or `monitorPort` of an object without a `service`, and the port of every `url`. What
 * `faultline run` lets its own in-process worker reach, and what the plan lists.
 */
export function declaredHostPorts(experiment: Partial<Record<(typeof FIELDS)[number], unknown>>): number[] {
  const found = new Set<number>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.url === 'string') {
      const port = urlPort(o.url);
      if (port !== undefined) found.add(port);
    }
    if (o.service === undefined) {
      for (const key of ['port', 'monitorPort']) if (typeof o[key] === 'number') found.add(o[key]);
    }
    Object.values(o).forEach(walk);
  };
  for (const f of FIELDS) walk(experiment[f]);
  return [...found].sort((a, b) => a - b);
}

/** A URL's port, the scheme's default when it names none; undefined when it does not parse. */
export function urlPort(url: string): number | undefined {
  try {
    const u = new URL(url);
    if (u.port !== '') return Number(u.port);
    return u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : undefined;
  } catch {
    return undefined;
  }
}
