/**
 * A Toxiproxy that keeps its proxies and toxics in memory behind the parts of the real HTTP API the
 * drivers use (list proxies, add a toxic, delete a toxic), on a loopback port. Tests publish that
 * port as a container's 8474, so the driver reaches it the way it reaches a real one.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export class FakeToxiproxy {
  /** Proxy name -> toxic name -> the toxic as posted. */
  readonly proxies = new Map<string, Map<string, Record<string, unknown>>>();
  private server?: Server;

  constructor(names: string[]) {
    for (const n of names) this.proxies.set(n, new Map());
  }

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const [status, reply] = this.handle(req.method ?? 'GET', decodeURI(req.url ?? '/'), body);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(reply === undefined ? '' : JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Every toxic as `proxy/toxic`. */
  toxics(): string[] {
    return [...this.proxies].flatMap(([p, ts]) => [...ts.keys()].map((t) => `${p}/${t}`)).sort();
  }

  private handle(method: string, path: string, body: string): [number, unknown] {
    const parts = path.split('/').filter(Boolean); // proxies[/<p>/toxics[/<t>]]
    if (method === 'GET' && parts.length === 1) {
      return [200, Object.fromEntries([...this.proxies].map(([p, ts]) => [p, { name: p, toxics: [...ts.values()] }]))];
    }
    const toxics = this.proxies.get(parts[1] ?? '');
    if (!toxics) return [404, { error: 'proxy not found' }];
    if (method === 'POST' && parts.length === 3) {
      const toxic = JSON.parse(body) as Record<string, unknown>;
      const name = String(toxic.name);
      if (toxics.has(name)) return [409, { error: 'toxic already exists' }];
      toxics.set(name, toxic);
      return [200, toxic];
    }
    if (method === 'DELETE' && parts.length === 4) {
      return toxics.delete(parts[3]) ? [204, undefined] : [404, { error: 'toxic not found' }];
    }
    return [405, { error: `${method} ${path}` }];
  }
}
