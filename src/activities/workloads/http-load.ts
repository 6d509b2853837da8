/**
 * http-load: one request per operation. A 2xx response -> ok, any other response -> failed (the
 * server answered), a refused connection -> failed, a timeout or a reset mid-response -> unknown.
 * The decision is read from a top-level field of a JSON body when `decisionField` is set.
 * Redirects are answers, never followed; at most 64 KiB of a body is read (see http-client.ts).
 */
import type { WorkloadOf } from '../../spec/workloads';
import { endpointAddress, hostPort, loopbackAddresses } from '../probes/endpoint';
import { type HttpReply, NotLoopbackUrl, httpCall } from '../probes/http-client';
import type { Reach } from '../probes/endpoint';
import { type OpResult, type WorkloadDriver, type WorkloadSession } from './driver';
import { FaultlineError, errorText } from '../../errors';
import { redact, resolveHeaders, secretValuesOf } from '../secrets';

type Load = WorkloadOf<'http-load'>;

/** Enough for a JSON decision; a bigger body is cut here and its connection closed. */
export const LOAD_BODY_MAX = 64 * 1024;

export const httpLoad: WorkloadDriver<Load> = {
  async open(w: Load, reach: Reach, timeoutMs: number): Promise<WorkloadSession> {
    // Refused now if the host resolves off loopback; the client checks again before each connection.
    const addr = endpointAddress(w, reach);
    await loopbackAddresses(addr.host);
    const url = `http://${hostPort(addr)}${w.path}`;
    // Resolved once, on the worker: the activity input carries only the references.
    const headers = await resolveHeaders(w.headers);
    // A decision or error text that echoes a credential is recorded redacted.
    const secrets = await secretValuesOf(w);
    return {
      async op(id: string, signal: AbortSignal): Promise<OpResult> {
        const timeout = AbortSignal.timeout(timeoutMs);
        let res: HttpReply;
        try {
          res = await httpCall({
            url,
            method: w.method,
            headers: { 'x-request-id': id, ...headers },
            body: w.body,
            signal: AbortSignal.any([signal, timeout]),
            maxBytes: LOAD_BODY_MAX,
          });
        } catch (err) {
          if (err instanceof NotLoopbackUrl) throw new FaultlineError('InvalidWorkload', `workload ${w.id}: ${err.message}`, { retryable: false });
          const code = (err as { code?: unknown }).code;
          const refused = code === 'ECONNREFUSED';
          return redact({ outcome: refused ? 'failed' : 'unknown', error: errorText(err) }, secrets);
        }
        const decision = w.decisionField ? decisionOf(res.text, w.decisionField) : undefined;
        return redact({ outcome: res.status >= 200 && res.status <= 299 ? 'ok' : 'failed', status: res.status, decision }, secrets);
      },
      async close() {},
    };
  },
};

function decisionOf(body: string, field: string): string | undefined {
  try {
    const v = (JSON.parse(body) as Record<string, unknown>)[field];
    return v === undefined ? undefined : String(v);
  } catch {
    return undefined;
  }
}
