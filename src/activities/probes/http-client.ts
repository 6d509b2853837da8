/**
 * The HTTP client of probes and workloads: node:http rather than fetch, to keep three rules.
 * Redirects are never followed (a 3xx is the answer), since one could point off loopback with the
 * request's body and headers. The socket connects only to an address checked as loopback after
 * resolution (the lookup hook below), while Host and TLS keep the name the scenario gave. A body
 * is read up to `maxBytes`, then the connection is closed: a probe is not a download.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isLoopback } from '../../spec/endpoint';
import { type Lookup, loopbackAddresses, systemLookup } from './endpoint';

export interface HttpCall {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Bytes of the body kept; reading stops there and the connection is closed. */
  maxBytes: number;
  /** Tests pass their own resolver; the check on what it returns is the same. */
  lookup?: Lookup;
}

export interface HttpReply {
  status: number;
  /** The body as UTF-8, at most `maxBytes` of it. */
  text: string;
  /** The body was longer than `maxBytes` and was cut there. */
  truncated: boolean;
}

/** Thrown before any connection when the URL is not http(s) on a loopback host. */
export class NotLoopbackUrl extends Error {}

// Own pools: sockets opened through the checking lookup are reused only by calls that went through it.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export async function httpCall(c: HttpCall): Promise<HttpReply> {
  const url = URL.canParse(c.url) ? new URL(c.url) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !isLoopback(url.hostname)) {
    throw new NotLoopbackUrl(`refusing to request ${c.url}: only http(s) URLs on loopback hosts may be requested`);
  }
  const headers: Record<string, string> = { accept: '*/*', 'user-agent': 'faultline', ...c.headers };
  if (c.body !== undefined) {
    const given = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
    // As fetch did: a string body is text unless the scenario says otherwise.
    if (!given.has('content-type')) headers['content-type'] = 'text/plain;charset=UTF-8';
    if (!given.has('content-length')) headers['content-length'] = String(Buffer.byteLength(c.body));
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpReply>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    const req = transport.request(
      url,
      { method: c.method, headers, signal: c.signal, agent: agents[url.protocol as 'http:' | 'https:'], lookup: checkedLookup(c.lookup ?? systemLookup) },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const reply = (truncated: boolean) => ({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), truncated });
        res.on('data', (chunk: Buffer) => {
          const room = c.maxBytes - kept;
          if (chunk.length <= room) {
            chunks.push(chunk);
            kept += chunk.length;
            return;
          }
          chunks.push(chunk.subarray(0, room));
          kept = c.maxBytes;
          settle(() => resolve(reply(true)));
          // Stop reading: the rest is never downloaded and the socket is not reused.
          req.destroy();
        });
        res.on('end', () => settle(() => resolve(reply(false))));
        res.on('error', (err) => settle(() => reject(err)));
        res.on('close', () => settle(() => reject(new Error(`${c.method} ${c.url}: connection closed mid-response`))));
      },
    );
    req.on('error', (err) => settle(() => reject(err)));
    req.end(c.body);
  });
}

/** node:net's lookup hook: resolves, refuses unless every address is loopback, connects to what it checked. */
function checkedLookup(lookup: Lookup): LookupFunction {
  return (hostname, options, callback) => {
    loopbackAddresses(hostname, lookup).then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname}: no IPv${options.family} loopback address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, wanted);
        callback(null, wanted[0].address, wanted[0].family);
      },
      (err: Error) => callback(err, '', 0),
    );
  };
}
