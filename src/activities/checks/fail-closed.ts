/**
 * fail-closed: no request that started inside a fault window may have been allowed. A request
 * counts as allowed when its decision is one of `allow`, or, with no decision recorded, when it
 * got a 2xx. Errors and timeouts are not allows: failing closed is exactly what they are.
 */
import type { CheckOf } from '../../spec/checks';
import type { Operation } from '../workloads/history';
import { type Checker, type CheckVerdict, type RunWindows, cap, listed } from './checker';
import { operationsIn } from './windows';

type FailClosed = CheckOf<'fail-closed'>;

export const failClosed: Checker<FailClosed> = async (c, ctx) => {
  const h = ctx.history(c.workload);
  return judgeFailClosed(h.operations, ctx.windows, c.allow, c.workload, h.stoppedAt);
};

export function judgeFailClosed(ops: Operation[], w: RunWindows, allow: string[], workload: string, end = Number.MAX_SAFE_INTEGER): CheckVerdict {
  // A fault never restored holds until the history ends.
  const during = operationsIn(ops, { ...w, faults: w.faults.map((f) => ({ ...f, to: f.to ?? end })) }, 'during');
  const isAllowed = (o: Operation) => (o.decision !== undefined ? allow.includes(o.decision) : o.outcome === 'ok');
  const allowed = during.filter(isAllowed);
  const describe = (o: Operation) => `${o.id}@${new Date(o.invokedAt).toISOString()}${o.decision ? `=${o.decision}` : ` status ${o.status ?? '-'}`}`;
  const evidence = {
    duringFaults: during.length,
    allowed: cap(allowed.map(describe)),
    allowedCount: allowed.length,
    refused: during.length - allowed.length,
    refusedBy: refusals(during.filter((o) => !isAllowed(o))),
  };
  if (w.faults.length === 0) return { passed: false, detail: 'no fault window was recorded, so fail-closed could not be judged', evidence };
  if (during.length === 0) {
    return { passed: false, detail: `${workload} sent no request inside a fault window, so fail-closed could not be judged`, evidence };
  }
  if (allowed.length > 0) {
    return { passed: false, detail: `${workload}: ${allowed.length} of ${during.length} requests inside a fault window were allowed: ${listed(allowed.map(describe))}`, evidence };
  }
  return { passed: true, detail: `${workload}: all ${during.length} requests inside fault windows were refused (${evidence.refusedBy.join(', ')})`, evidence };
}

/** `error: 70`, `deny: 5`, `unknown: 1`: how the refusals answered, by decision or, without one, by outcome. */
function refusals(ops: Operation[]): string[] {
  const counts = new Map<string, number>();
  for (const o of ops) counts.set(o.decision ?? o.outcome, (counts.get(o.decision ?? o.outcome) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`);
}
