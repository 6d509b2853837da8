/**
 * Policy gateway: asks OPA for a decision on every request and answers 200 (allow), 403 (deny) or
 * 503 (no decision: OPA errored or timed out, so the request is refused: fail closed). Every
 * decision is logged. GATEWAY_FAIL_OPEN=1 is the broken variant the negative control runs: it
 * allows when OPA gives no answer. GATEWAY_STICKY_FAILURE=1 is another broken variant: once OPA
 * failed it never asks again and refuses everything (it fails closed, but never recovers).
 */
import { createServer } from 'node:http';
import { env, errorText, log } from './log';

const OPA_URL = env('OPA_URL', 'http://opa:8181/v1/data/gateway/allow');
const TIMEOUT_MS = Number(env('OPA_TIMEOUT_MS', '500'));
const FAIL_OPEN = env('GATEWAY_FAIL_OPEN', '0') === '1';
const PORT = Number(env('PORT', '8080'));
const STICKY = env('GATEWAY_STICKY_FAILURE', '0') === '1';
let broken = '';

type Decision = { decision: 'allow' | 'deny' | 'error'; status: number; reason?: string };

async function decide(input: { method: string; path: string; user: string }): Promise<Decision> {
  if (broken) return { decision: 'error', status: 503, reason: `OPA failed earlier (${broken}); not asking again` };
  try {
    const res = await fetch(OPA_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`OPA answered ${res.status}`);
    const body = (await res.json()) as { result?: unknown };
    // An undefined result means the policy is not loaded: no decision, never an allow.
    if (typeof body.result !== 'boolean') throw new Error('OPA returned no decision');
    return body.result ? { decision: 'allow', status: 200 } : { decision: 'deny', status: 403 };
  } catch (err) {
    if (STICKY) broken = errorText(err);
    if (FAIL_OPEN) return { decision: 'allow', status: 200, reason: `OPA unavailable (${errorText(err)}); failing open` };
    return { decision: 'error', status: 503, reason: `OPA unavailable (${errorText(err)}); failing closed` };
  }
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  const input = { method: req.method ?? 'GET', path, user: String(req.headers['x-user'] ?? '') };
  const started = Date.now();
  void decide(input).then((d) => {
    log('gateway', 'decision', { request: req.headers['x-request-id'], ...input, ...d, latencyMs: Date.now() - started });
    res.writeHead(d.status, { 'content-type': 'application/json' }).end(JSON.stringify(d));
  });
});

server.listen(PORT, '0.0.0.0', () => log('gateway', 'listening', { port: PORT, opa: OPA_URL, failOpen: FAIL_OPEN }));
