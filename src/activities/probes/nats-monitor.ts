/**
 * nats-monitor probe: one page of a NATS server's monitoring endpoint (varz, routez, gatewayz,
 * jsz, healthz, connz), with the fields scenarios compare (route and gateway peers, meta leader)
 * lifted into a summary. The sample keeps the summary; expectations see the whole page too.
 */
import type { ProbeOf } from '../../spec/probes';
import { type Address, hostPort, resolveAddress } from './endpoint';
import { type HttpReply, httpCall } from './http-client';
import { type Probe, type ProbeContext, ProbeFailure } from './probe';
import { errorText } from '../../errors';

type MonitorProbe = ProbeOf<'nats-monitor'>;
type Page = MonitorProbe['page'];
type Json = Record<string, unknown>;

export interface MonitorValue {
  page: Page;
  status: number;
  summary: Json;
  body: Json;
}

/** Monitoring pages (connz of a busy server included) fit well within this; a bigger one is refused, not read whole. */
export const PAGE_READ_MAX = 4 * 1024 * 1024;

/** GETs /<page> as JSON; a refused connection, a timeout or a non-JSON answer is the target's failure. */
export async function fetchMonitor(ctx: ProbeContext, addr: Address, page: Page): Promise<{ status: number; body: Json }> {
  const url = `http://${hostPort(addr)}/${page}`;
  let res: HttpReply;
  try {
    res = await httpCall({ url, method: 'GET', signal: ctx.signal, maxBytes: PAGE_READ_MAX });
  } catch (err) {
    if (ctx.signal.aborted) throw new ProbeFailure(`GET ${url}: no response within ${ctx.timeoutMs}ms`);
    throw new ProbeFailure(`GET ${url}: ${errorText(err)}`, { cause: err });
  }
  if (res.truncated) throw new ProbeFailure(`GET ${url}: status ${res.status}, page larger than ${PAGE_READ_MAX} bytes, not read further`);
  const text = res.text;
  try {
    return { status: res.status, body: JSON.parse(text) as Json };
  } catch {
    throw new ProbeFailure(`GET ${url}: status ${res.status}, not JSON: ${text.slice(0, 80)}`);
  }
}

const names = (o: unknown): string[] => (o && typeof o === 'object' ? Object.keys(o).sort() : []);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** The few fields per page that experiments compare; everything else stays in `body`. */
export function summarize(page: Page, b: Json): Json {
  switch (page) {
    case 'varz':
      return { server: b.server_name, serverId: b.server_id, cluster: obj(b.cluster).name, connections: b.connections, routes: b.routes, inMsgs: b.in_msgs, outMsgs: b.out_msgs };
    case 'routez': {
      const routes = Array.isArray(b.routes) ? (b.routes as Json[]) : [];
      // nats-server 2.9 reports route peers by server id only (remote_name came in 2.10).
      return { server: b.server_name, numRoutes: b.num_routes, peers: routes.map((r) => r.remote_name ?? r.remote_id).sort() };
    }
    case 'gatewayz':
      return { server: b.server_name, name: b.name, outbound: names(b.outbound_gateways), inbound: names(b.inbound_gateways) };
    case 'jsz': {
      const meta = obj(b.meta_cluster);
      return { server: b.server_name, metaLeader: meta.leader ?? null, clusterSize: meta.cluster_size, streams: b.streams, messages: b.messages };
    }
    case 'healthz':
      return { status: b.status, error: b.error };
    case 'connz':
      return { server: b.server_name, numConnections: b.num_connections };
  }
}

export const natsMonitorProbe: Probe<MonitorProbe> = {
  label: 'status',
  defaultPath: '$.status',

  async run(ctx: ProbeContext, p: MonitorProbe): Promise<MonitorValue> {
    const { status, body } = await fetchMonitor(ctx, await resolveAddress(p, ctx), p.page);
    return { page: p.page, status, summary: summarize(p.page, body), body };
  },

  check(value: unknown): string | undefined {
    const v = value as MonitorValue;
    return v.status === 200 ? undefined : `expected status 200, got ${v.status}${v.summary.error ? ` (${String(v.summary.error)})` : ''}`;
  },

  compact(value: unknown): unknown {
    const { body: _body, ...rest } = value as MonitorValue;
    return rest;
  },
};
