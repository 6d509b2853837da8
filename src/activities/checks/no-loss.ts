/**
 * no-loss: every operation the producer saw acknowledged must be delivered, and nothing twice.
 * Operations with no known outcome are reported as unknown (with how many were delivered anyway),
 * never as lost: a client that died mid-call cannot tell whether its write happened.
 */
import type { CheckOf } from '../../spec/checks';
import { type Checker, type CheckerContext, type CheckVerdict, cap, listed } from './checker';
import { readStreamIds } from './jetstream';

type NoLoss = CheckOf<'no-loss'>;

export const noLoss: Checker<NoLoss> = async (c: NoLoss, ctx: CheckerContext): Promise<CheckVerdict> => {
  const produced = ctx.history(c.produced);
  const delivered = 'workload' in c.consumed ? ctx.history(c.consumed.workload).outcomes : await readStreamIds(c.consumed.jetstream, ctx);
  const from = 'workload' in c.consumed ? `workload ${c.consumed.workload}` : `stream ${c.consumed.jetstream.stream}`;
  return judgeNoLoss(produced.operations, delivered, c.produced, from);
};

export function judgeNoLoss(
  ops: Array<{ id: string; outcome: string }>,
  delivered: Map<string, number>,
  producer: string,
  from: string,
): CheckVerdict {
  const acked = ops.filter((o) => o.outcome === 'ok').map((o) => o.id);
  const unknown = ops.filter((o) => o.outcome === 'unknown').map((o) => o.id);
  const failedIds = new Set(ops.filter((o) => o.outcome === 'failed').map((o) => o.id));
  const lost = acked.filter((id) => !delivered.has(id));
  const duplicated = [...delivered].filter(([, n]) => n > 1).map(([id]) => id);
  const unknownDelivered = unknown.filter((id) => delivered.has(id));
  // Delivered although the producer was told it failed: its error classification is wrong.
  const failedButDelivered = [...delivered.keys()].filter((id) => failedIds.has(id));
  const evidence = {
    acknowledged: acked.length,
    delivered: delivered.size,
    lost: cap(lost),
    lostCount: lost.length,
    duplicated: cap(duplicated),
    duplicatedCount: duplicated.length,
    unknown: cap(unknown),
    unknownCount: unknown.length,
    unknownDelivered: unknownDelivered.length,
    failedButDelivered: cap(failedButDelivered),
  };
  const unknownText = `unknown ${unknown.length} (${unknownDelivered.length} of them delivered)${unknown.length ? `: ${listed(unknown)}` : ''}`;
  if (acked.length === 0) {
    return { passed: false, detail: `${producer} had no acknowledged operation, so nothing could be checked; ${unknownText}`, evidence };
  }
  const passed = lost.length === 0 && duplicated.length === 0;
  const head = passed
    ? `all ${acked.length} acknowledged operations of ${producer} are in ${from} exactly once`
    : `${from} vs ${producer}: lost ${listed(lost)}; duplicated ${listed(duplicated)}`;
  const extra = failedButDelivered.length ? `; delivered although reported failed ${listed(failedButDelivered)}` : '';
  return { passed, detail: `${head}; ${unknownText}${extra}`, evidence };
}
