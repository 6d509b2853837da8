/**
 * success-rate: the share of `ok` operations in a window. `before` counts operations that finished
 * before the first inject was requested; `after` those started `settle` after the last restore;
 * `all` every operation. Operations with no outcome count as failures.
 */
import type { CheckOf } from '../../spec/checks';
import { formatMs, toMs } from '../../spec/duration';
import type { Operation } from '../workloads/history';
import { type Checker, type CheckVerdict, type RunWindows, cap, listed } from './checker';
import { operationsIn } from './windows';

type SuccessRate = CheckOf<'success-rate'>;

export const successRate: Checker<SuccessRate> = async (c, ctx) => judgeSuccessRate(ctx.history(c.workload).operations, ctx.windows, c);

export function judgeSuccessRate(ops: Operation[], w: RunWindows, c: Pick<SuccessRate, 'workload' | 'min' | 'window' | 'settle'>): CheckVerdict {
  const settleMs = toMs(c.settle);
  const inWindow = operationsIn(ops, w, c.window, settleMs);
  const label = c.window === 'before' ? 'before the first fault' : c.window === 'after' ? `from ${formatMs(settleMs)} after the last restore` : 'over the run';
  const bad = inWindow.filter((o) => o.outcome !== 'ok');
  const rate = inWindow.length ? (inWindow.length - bad.length) / inWindow.length : 0;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const describe = (o: Operation) => `${o.id} ${o.outcome}${o.status ? ` ${o.status}` : ''}${o.error ? ` (${o.error})` : ''}`;
  const evidence = { window: c.window, operations: inWindow.length, failures: cap(bad.map(describe)), failureCount: bad.length, rate };
  if (inWindow.length === 0) return { passed: false, detail: `${c.workload} has no operation ${label}, so its success rate cannot be judged`, evidence };
  const passed = rate >= c.min;
  const detail = `${c.workload} ${label}: ${pct(rate)} of ${inWindow.length} succeeded (minimum ${pct(c.min)})${bad.length ? `; failures ${listed(bad.map((o) => o.id))}` : ''}`;
  return { passed, detail, evidence };
}
