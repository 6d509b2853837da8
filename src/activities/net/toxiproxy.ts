/**
 * A minimal client of Toxiproxy's HTTP API (v2): add, list and delete toxics on one proxy. Toxics
 * are named after the fault id, so restore deletes exactly this fault's toxic and a residue scan
 * recognises any Faultline toxic by its name prefix.
 */
import { FaultlineError } from '../../errors';
import { TAG_PREFIX, tagOf } from './iptables';

/** Toxic names use `-` for the tag's `:` so they sit in URL paths unescaped. */
export const TOXIC_PREFIX = TAG_PREFIX.replace(':', '-');
export const toxicName = (faultId: string): string => tagOf(faultId).replace(':', '-');

export interface Toxic {
  name: string;
  type: 'latency' | 'bandwidth' | 'timeout' | 'reset_peer';
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

const TIMEOUT_MS = 5_000;

export class ToxiproxyApi {
  constructor(readonly base: string) {}

  /** Adds the toxic; an existing toxic of the same name (a retried inject) is replaced. */
  async add(proxy: string, toxic: Toxic): Promise<void> {
    const r = await this.call('POST', `/proxies/${enc(proxy)}/toxics`, toxic);
    if (r.status === 409) {
      await this.remove(proxy, toxic.name);
      return this.add(proxy, toxic);
    }
    if (r.status === 404) {
      throw new FaultlineError('ProxyNotFound', `Toxiproxy at ${this.base} has no proxy "${proxy}" (known: ${(await this.proxies()).join(', ') || 'none'})`, {
        retryable: false,
      });
    }
    await expectOk(r, `add toxic ${toxic.name} to ${proxy}`);
  }

  /** true when it deleted the toxic, false when there was none. */
  async remove(proxy: string, name: string): Promise<boolean> {
    const r = await this.call('DELETE', `/proxies/${enc(proxy)}/toxics/${enc(name)}`);
    if (r.status === 404) return false;
    await expectOk(r, `delete toxic ${name} from ${proxy}`);
    return true;
  }

  async proxies(): Promise<string[]> {
    const r = await this.call('GET', '/proxies');
    await expectOk(r, 'list proxies');
    return Object.keys((await r.json()) as Record<string, unknown>).sort();
  }

  /** Every toxic of every proxy, as `proxy/toxic`. */
  async allToxics(): Promise<string[]> {
    const r = await this.call('GET', '/proxies');
    await expectOk(r, 'list proxies');
    const body = (await r.json()) as Record<string, { toxics?: Array<{ name: string }> }>;
    return Object.entries(body).flatMap(([p, v]) => (v.toxics ?? []).map((t) => `${p}/${t.name}`));
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(this.base + path, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new FaultlineError('ToxiproxyUnreachable', `Toxiproxy API ${this.base}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

const enc = encodeURIComponent;

async function expectOk(r: Response, what: string): Promise<void> {
  if (r.ok) return;
  throw new FaultlineError('ToxiproxyFailed', `Toxiproxy could not ${what}: HTTP ${r.status} ${(await r.text()).trim()}`);
}
