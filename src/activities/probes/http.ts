/**
 * HTTP probe: one request to a loopback URL or a service's published port. Redirects are not
 * followed, since a redirect could point off loopback; a 3xx counts as reachable. At most 1 MiB
 * of the body is read (see http-client.ts).
 */
import type { ProbeOf } from '../../spec/probes';
import { checkHostPort, endpointAddress, hostPort } from './endpoint';
import { urlPort } from '../../spec/host-ports';
import { type HttpReply, NotLoopbackUrl, httpCall } from './http-client';
import { type Probe, type ProbeContext, ProbeFailure } from './probe';
import { errorText } from '../../errors';
import { resolveHeaders } from '../secrets';

type HttpProbe = ProbeOf<'http'>;

/** Larger bodies are kept as truncated text in the sample; the expectation sees the whole body. */
const BODY_KEEP = 4096;
/** Reading stops here and the connection is closed: a probe is not a download. */
export const BODY_READ_MAX = 1024 * 1024;

export interface HttpValue {
  status: number;
  body: unknown;
  /** Set when the body was longer than BODY_READ_MAX and cut there. */
  truncated?: true;
}

export const httpProbe: Probe<HttpProbe> = {
  label: 'status',
  defaultPath: '$.status',

  async run(ctx: ProbeContext, p: HttpProbe): Promise<HttpValue> {
    const url = targetUrl(ctx, p);
    // Resolved here, on the worker: the activity input carries only the references.
    const headers = await resolveHeaders(p.headers);
    let res: HttpReply;
    try {
      res = await httpCall({ url, method: p.method, headers, body: p.body, signal: ctx.signal, maxBytes: BODY_READ_MAX });
    } catch (err) {
      if (err instanceof NotLoopbackUrl || err instanceof ProbeFailure) throw new ProbeFailure(err.message, { cause: err });
      if (ctx.signal.aborted) throw new ProbeFailure(`${p.method} ${url}: no response within ${ctx.timeoutMs}ms`);
      throw new ProbeFailure(`${p.method} ${url}: ${errorText(err)}`, { cause: err });
    }
    const body = parseBody(p.method === 'HEAD' ? '' : res.text);
    return res.truncated ? { status: res.status, body, truncated: true } : { status: res.status, body };
  },

  check(value: unknown): string | undefined {
    const status = (value as HttpValue).status;
    return status >= 200 && status <= 399 ? undefined : `expected status in [200, 399], got ${status}`;
  },

  compact(value: unknown): unknown {
    const v = value as HttpValue;
    const text = typeof v.body === 'string' ? v.body : JSON.stringify(v.body);
    if (text === undefined || text.length <= BODY_KEEP) return v;
    const of = v.truncated ? `the first ${BODY_READ_MAX} bytes of a longer body` : `${text.length} chars`;
    return { status: v.status, body: `${text.slice(0, BODY_KEEP)}... (${of}, truncated)`, ...(v.truncated ? { truncated: true } : {}) };
  },
};

function targetUrl(ctx: ProbeContext, p: HttpProbe): string {
  // The URL's host is checked again, after resolution, by the client before it connects.
  if (p.url !== undefined) {
    const port = urlPort(p.url);
    if (port === undefined) throw new ProbeFailure(`not an http(s) URL: ${p.url}`);
    checkHostPort(new URL(p.url).hostname, port, ctx);
    return p.url;
  }
  if (p.port === undefined) throw new ProbeFailure('http probe needs "url" or "service" and "port"');
  const addr = endpointAddress({ service: p.service, port: p.port }, ctx);
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
