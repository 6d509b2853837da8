/**
 * latency: a percentile (nearest rank) of the latencies of a workload's `ok` operations in a window
 * against bounds. `before`: finished before the first inject was requested; `during`: started inside
 * a fault window (from the end of an inject to the end of its restore); `after`: started `settle`
 * after the last restore. Failed and unknown operations have no meaningful latency and are left out.
 */
import type { CheckOf } from '../../spec/checks';
import { formatMs, toMs } from '../../spec/duration';
import type { Operation } from '../workloads/history';
import type { Checker, CheckVerdict, RunWindows } from './checker';
import { operationsIn } from './windows';

type Latency = CheckOf<'latency'>;

export const latency: Checker<Latency> = async (c, ctx) => judgeLatency(ctx.history(c.workload).operations, ctx.windows, c);

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function judgeLatency(ops: Operation[], w: RunWindows, c: Pick<Latency, 'workload' | 'percentile' | 'window' | 'gt' | 'lt' | 'settle'>): CheckVerdict {
  const values = operationsIn(ops, w, c.window, toMs(c.settle))
    .filter((o) => o.outcome === 'ok' && o.latencyMs !== undefined)
    .map((o) => o.latencyMs as number);
  const label = `p${c.percentile} of ${c.workload} ${c.window === 'during' ? 'during the faults' : c.window === 'before' ? 'before the first fault' : 'after the last restore'}`;
  if (values.length === 0) return { passed: false, detail: `${label}: no successful operation in the window`, evidence: { window: c.window, operations: 0 } };
  const p = percentile(values, c.percentile);
  const failures: string[] = [];
  if (c.gt !== undefined && !(p > toMs(c.gt))) failures.push(`expected > ${formatMs(toMs(c.gt))}`);
  if (c.lt !== undefined && !(p < toMs(c.lt))) failures.push(`expected < ${formatMs(toMs(c.lt))}`);
  const evidence = { window: c.window, operations: values.length, percentile: c.percentile, valueMs: p, maxMs: Math.max(...values) };
  const detail = `${label}: ${formatMs(p)} over ${values.length} operations${failures.length ? `; ${failures.join(', ')}` : ''}`;
  return { passed: failures.length === 0, detail, evidence };
}
