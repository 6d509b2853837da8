/**
 * http-load: one request per operation. A 2xx response -> ok, any other response -> failed (the
 * server answered), a refused connection -> failed, a timeout or a reset mid-response -> unknown.
 * The decision is read from a top-level field of a JSON body when `decisionField` is set.
 */
import type { WorkloadOf } from '../../spec/workloads';
import { hostPort, resolveAddress } from '../probes/endpoint';
import type { StackHandle } from '../types';
import { type OpResult, type WorkloadDriver, type WorkloadSession } from './driver';
import { errorText } from '../../errors';

type Load = WorkloadOf<'http-load'>;

export const httpLoad: WorkloadDriver<Load> = {
  async open(w: Load, stack: StackHandle | undefined, timeoutMs: number): Promise<WorkloadSession> {
    const url = `http://${hostPort(resolveAddress(w, stack))}${w.path}`;
    return {
      async op(id: string, signal: AbortSignal): Promise<OpResult> {
        const timeout = AbortSignal.timeout(timeoutMs);
        let res: Response;
        try {
          res = await fetch(url, {
            method: w.method,
            headers: { 'x-request-id': id, ...w.headers },
            body: w.body,
            signal: AbortSignal.any([signal, timeout]),
          });
        } catch (err) {
          const cause = (err as { cause?: { code?: string } }).cause?.code;
          const refused = cause === 'ECONNREFUSED';
          return { outcome: refused ? 'failed' : 'unknown', error: `${cause ?? ''} ${errorText(err)}`.trim() };
        }
        const text = await res.text().catch(() => '');
        const decision = w.decisionField ? decisionOf(text, w.decisionField) : undefined;
        return { outcome: res.ok ? 'ok' : 'failed', status: res.status, decision };
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
