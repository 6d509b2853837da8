/**
 * Recovery and checks, in the order their evidence needs: time-to-green polls its probe after the
 * last restore while the workloads still run; then the workloads stop; then `drained` waits for
 * the backlog they left; then the history checks judge what the workloads recorded. Every check
 * becomes a verdict with a reason a person can act on.
 */
import type { RunWindows } from '../activities/checks';
import type { StackHandle } from '../activities/types';
import type { CheckRecord, FaultEntry } from '../report/journal';
import { type CheckOf, type Experiment, formatDuration, formatMs, isHistoryCheck, probeLabel, resolveProbe, toMs } from '../spec';
import { sleep } from '@temporalio/workflow';
import { long, quick, summary } from './proxies';
import type { Workloads } from './workloads';

export interface CheckContext {
  exp: Experiment;
  workflowId: string;
  /** The journal's fault entries, for the fault windows. */
  faults: readonly FaultEntry[];
  stack?: StackHandle;
  /** When the last restore completed. */
  since: number;
  workloads: Workloads;
}

export async function runChecks(ctx: CheckContext): Promise<CheckRecord[]> {
  const indexed = ctx.exp.checks.map((c, i) => ({ c, id: c.id ?? `${c.kind}-${i}` }));
  const out = new Map<string, CheckRecord>();
  const save = (records: CheckRecord[]) => records.forEach((r) => out.set(r.id, r));

  save(await Promise.all(indexed.flatMap(({ c, id }) => (c.kind === 'time-to-green' ? [timeToGreen(ctx, c, id)] : []))));
  // An "after" success rate needs traffic after recovery: keep the workloads running until its window is full.
  const holdUntil = Math.max(0, ...ctx.exp.checks.map((c) => (c.kind === 'success-rate' && c.window === 'after' ? ctx.since + toMs(c.settle) + toMs(c.for) : 0)));
  if (holdUntil > Date.now()) await sleep(holdUntil - Date.now());
  const stoppedAt = await ctx.workloads.stop();
  save(await Promise.all(indexed.flatMap(({ c, id }) => (c.kind === 'drained' ? [drained(ctx, c, id, stoppedAt)] : []))));
  const windows = runWindows(ctx.faults, ctx.since);
  save(
    await Promise.all(
      indexed.flatMap(({ c, id }) => {
        if (!isHistoryCheck(c)) return [];
        return [
          quick.evaluateCheck
            .executeWithOptions(summary(`check ${id} (${c.kind})`), [{ workflowId: ctx.workflowId, id, check: c, stack: ctx.stack, windows }])
            .then((v): CheckRecord => ({ kind: c.kind, id, passed: v.passed, detail: v.detail, evidence: v.evidence })),
        ];
      }),
    ),
  );
  return indexed.map(({ c, id }) => out.get(id) ?? { kind: c.kind, id, passed: false, detail: 'check was not evaluated' });
}

/**
 * The fault windows as the journal recorded them: from the end of each inject to the moment the
 * restore was asked for. Both ends are conservative: the fault certainly held in between, while a
 * restore can bring the target back before it reports completion.
 */
export function runWindows(faults: readonly FaultEntry[], lastRestoreAt: number): RunWindows {
  const injected = faults.filter((f) => f.injectedAt !== undefined);
  const requested = faults.map((f) => f.requestedAt ?? f.injectedAt).filter((t): t is number => t !== undefined);
  return {
    faults: injected.map((f) => ({ faultId: f.faultId, from: f.injectedAt ?? 0, to: f.restoreRequestedAt ?? f.restoredAt })),
    firstFaultAt: requested.length ? Math.min(...requested) : undefined,
    lastRestoreAt: lastRestoreAt || undefined,
  };
}

async function timeToGreen(ctx: CheckContext, c: CheckOf<'time-to-green'>, id: string): Promise<CheckRecord> {
  const probe = resolveProbe(ctx.exp, c.probe);
  const label = probeLabel(c.probe);
  const withinMs = toMs(c.within);
  const r = await long.timeToGreen.executeWithOptions(
    { ...summary(`time-to-green ${label} within ${formatDuration(c.within)}`), startToCloseTimeout: withinMs + 120_000 },
    [{ probe, stack: ctx.stack, since: ctx.since, withinMs, consecutive: c.consecutive, intervalMs: toMs(c.interval) }],
  );
  const passed = r.green && r.elapsedMs !== undefined && r.elapsedMs <= withinMs;
  const detail = r.green
    ? `${label} green ${c.consecutive}x in a row after ${formatMs(r.elapsedMs ?? 0)} (bound ${formatDuration(c.within)})`
    : `${label} not green within ${formatDuration(c.within)} after ${r.attempts} attempts${r.lastError ? `; last error: ${r.lastError}` : ''}`;
  return { kind: c.kind, id, passed, detail, elapsedMs: r.elapsedMs };
}

/** The backlog must reach its expectation once nothing adds to it; the clock starts when the workloads stopped. */
async function drained(ctx: CheckContext, c: CheckOf<'drained'>, id: string, since: number): Promise<CheckRecord> {
  const probe = { ...resolveProbe(ctx.exp, c.probe), expect: c.expect };
  const label = probeLabel(c.probe);
  const withinMs = toMs(c.within);
  const r = await long.timeToGreen.executeWithOptions(
    { ...summary(`drained ${label} within ${formatDuration(c.within)}`), startToCloseTimeout: withinMs + 120_000 },
    [{ probe, stack: ctx.stack, since, withinMs, consecutive: 1, intervalMs: toMs(c.interval) }],
  );
  const passed = r.green && r.elapsedMs !== undefined && r.elapsedMs <= withinMs;
  const detail = passed
    ? `${label} drained ${formatMs(r.elapsedMs ?? 0)} after the workloads stopped (bound ${formatDuration(c.within)})`
    : `${label} not drained within ${formatDuration(c.within)} of the workloads stopping${r.lastError ? `; last: ${r.lastError}` : ''}`;
  return { kind: c.kind, id, passed, detail, elapsedMs: r.elapsedMs };
}
