/**
 * Runs one workload until its activity is cancelled: an operation every 1/rate seconds, at most
 * `concurrency` in flight, each written to the history as `invoke` before it starts and with its
 * outcome when it ends. An operation that outlives its timeout is recorded `unknown` at once.
 * It stops when asked through its stop file (see history.ts) or when the activity is cancelled.
 */
import type { HostPorts } from '../../spec/host-ports';
import { toMs } from '../../spec/duration';
import { type WorkloadSpec, ratePerSecond } from '../../spec/workloads';
import type { Clock } from '../ports';
import type { StackHandle } from '../types';
import type { Reach } from '../probes/endpoint';
import { type OpResult, type Receipt, type WorkloadSession } from './driver';
import { FaultlineError, errorText } from '../../errors';
import { HistoryWriter, historyFile, stopRequested } from './history';
import { workloadDriver } from './registry';

export interface WorkloadInput {
  workflowId: string;
  workload: WorkloadSpec;
  stack?: StackHandle;
}

export interface WorkloadSummary {
  workload: string;
  file: string;
  invoked: number;
  ok: number;
  failed: number;
  unknown: number;
  /** Ticks skipped because `concurrency` operations were already in flight. */
  skipped: number;
}

export interface WorkloadRunOptions {
  artifactsRoot: string;
  clock: Clock;
  attempt: number;
  signal: AbortSignal;
  onProgress?: (s: WorkloadSummary) => void;
  /** Host ports the worker's policy allows host endpoints to reach besides the stack's. */
  hostPorts?: HostPorts;
  /** Opens the session; defaults to the kind's driver. Tests pass a fake here. */
  open?: (w: WorkloadSpec, reach: Reach, timeoutMs: number, received: Receipt) => Promise<WorkloadSession>;
}

export async function runWorkload(input: WorkloadInput, o: WorkloadRunOptions): Promise<WorkloadSummary> {
  const w = input.workload;
  const intervalMs = 1000 / ratePerSecond(w.rate);
  // The schema refuses a zero rate; input that skipped it must not turn into a tight loop.
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new FaultlineError('InvalidWorkload', `workload ${w.id}: rate ${JSON.stringify(w.rate)} must be above zero`, { retryable: false });
  }
  const file = historyFile(o.artifactsRoot, input.workflowId, w.id);
  const history = new HistoryWriter(file);
  const sum: WorkloadSummary = { workload: w.id, file, invoked: 0, ok: 0, failed: 0, unknown: 0, skipped: 0 };
  const timeoutMs = toMs(w.timeout);
  history.write({ type: 'start', at: o.clock.now(), attempt: o.attempt });
  // The session is opened lazily by the driver's clients: a server that is down now is a failed op, not a failed run.
  const received = (id: string) => history.write({ type: 'ok', id, at: o.clock.now(), latencyMs: 0 });
  const open = o.open ?? ((spec, reach, ms, rcv) => workloadDriver(spec.kind).open(spec, reach, ms, rcv));
  const session = await open(w, { stack: input.stack, hostPorts: o.hostPorts }, timeoutMs, received);
  const inflight = new Set<Promise<void>>();
  const stopOps = new AbortController();
  let seq = 0;

  const one = async (id: string) => {
    const started = o.clock.now();
    history.write({ type: 'invoke', id, at: started });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<OpResult>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'unknown', error: `no outcome within ${timeoutMs}ms` }), timeoutMs + 250);
    });
    const failed = (err: unknown): OpResult => ({ outcome: 'unknown', error: errorText(err) });
    const r: OpResult = await Promise.race([session.op(id, stopOps.signal).catch(failed), timedOut]);
    clearTimeout(timer);
    const at = o.clock.now();
    history.write({ type: r.outcome, id, at, latencyMs: at - started, status: r.status, decision: r.decision, error: r.error });
    sum[r.outcome]++;
  };

  let next = o.clock.now();
  try {
    while (!o.signal.aborted && !stopRequested(file)) {
      if (inflight.size < w.concurrency) {
        seq++;
        sum.invoked++;
        const p = one(`${w.id}-${o.attempt}-${String(seq).padStart(6, '0')}`);
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      } else sum.skipped++;
      o.onProgress?.(sum);
      next += intervalMs;
      await o.clock.sleep(next - o.clock.now(), o.signal).catch(() => undefined);
    }
    // Let in-flight operations finish (each is bounded by its timeout) so they get real outcomes.
    await Promise.allSettled([...inflight]);
  } finally {
    stopOps.abort();
    // The session closes before the stop marker: a consumer may still record what it drains on close.
    await session.close().finally(() => {
      history.write({ type: 'stop', at: o.clock.now() });
      history.close();
    });
  }
  return sum;
}
