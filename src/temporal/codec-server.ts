/**
 * A codec server for the Temporal Web UI and CLI: with payloads encrypted, the UI shows ciphertext
 * unless it can ask a process that holds the key to decode them. It listens on 127.0.0.1 only,
 * answers POST /decode and /encode with `{ "payloads": [...] }` in the proto JSON form the UI sends
 * (metadata values and data in base64), and allows cross-origin calls from the UI's origin only.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const MAX_BODY = 8 * 1024 * 1024;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  /** The Web UI's origin, allowed to call from the browser (e.g. http://127.0.0.1:8233). */
  origin: string;
}

export function startCodecServer(opts: CodecServerOptions): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', opts.origin);
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace');
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const op = req.url === '/decode' ? 'decode' : req.url === '/encode' ? 'encode' : undefined;
    if (req.method !== 'POST' || !op) return void res.writeHead(404).end();
    readBody(req)
      .then(async (body) => {
        const { payloads } = JSON.parse(body) as { payloads?: JsonPayload[] };
        if (!Array.isArray(payloads)) throw new Error('expected {"payloads": [...]}');
        const out = await opts.codec[op](payloads.map(fromJson));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
      })
      .catch((err: unknown) => {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end(err instanceof Error ? err.message : String(err));
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve(server));
  });
}
