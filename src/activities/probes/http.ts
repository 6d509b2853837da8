/**
 * HTTP probe: one request to a loopback URL or a service's published port. Redirects are not
 * followed, since a redirect could point off loopback; a 3xx counts as reachable.
 */
import { isLoopback } from '../../spec/endpoint';
import type { ProbeOf } from '../../spec/probes';
import { hostPort, resolveAddress } from './endpoint';
import { type Probe, type ProbeContext, ProbeFailure } from './probe';
import { errorText } from '../../errors';

type HttpProbe = ProbeOf<'http'>;

/** Larger bodies are kept as truncated text in the sample; the expectation sees the whole body. */
const BODY_KEEP = 4096;
/** Bodies beyond this are not read at all: a probe is not a download. */
const BODY_READ_MAX = 1024 * 1024;

export interface HttpValue {
  status: number;
  body: unknown;
}

export const httpProbe: Probe<HttpProbe> = {
  label: 'status',
  defaultPath: '$.status',

  async run(ctx: ProbeContext, p: HttpProbe): Promise<HttpValue> {
    const url = targetUrl(ctx, p);
    let res: Response;
    try {
      res = await fetch(url, { method: p.method, headers: p.headers, body: p.body, redirect: 'manual', signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) throw new ProbeFailure(`${p.method} ${url}: no response within ${ctx.timeoutMs}ms`);
      throw new ProbeFailure(`${p.method} ${url}: ${errorText(err)}`, { cause: err });
    }
    const text = p.method === 'HEAD' ? '' : (await res.text()).slice(0, BODY_READ_MAX);
    return { status: res.status, body: parseBody(text) };
  },

  check(value: unknown): string | undefined {
    const status = (value as HttpValue).status;
    return status >= 200 && status <= 399 ? undefined : `expected status in [200, 399], got ${status}`;
  },

  compact(value: unknown): unknown {
    const v = value as HttpValue;
    const text = typeof v.body === 'string' ? v.body : JSON.stringify(v.body);
    if (text === undefined || text.length <= BODY_KEEP) return v;
    return { status: v.status, body: `${text.slice(0, BODY_KEEP)}... (${text.length} chars, truncated)` };
  },
};

function targetUrl(ctx: ProbeContext, p: HttpProbe): string {
  if (p.url !== undefined) {
    const u = new URL(p.url);
    if (!isLoopback(u.hostname)) throw new ProbeFailure(`refusing to probe ${p.url}: only loopback hosts may be probed`);
    return p.url;
  }
  if (p.port === undefined) throw new ProbeFailure('http probe needs "url" or "service" and "port"');
  const addr = resolveAddress({ service: p.service, port: p.port }, ctx.stack);
  return `http://${hostPort(addr)}${p.path}`;
}

function parseBody(text: string): unknown {
  if (text.length === 0) return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
