/**
 * Recovery and checks: time-to-green polls its probe after the last restore; every check becomes a
 * verdict with a reason a person can act on.
 */
import type { StackHandle } from '../activities/types';
import type { CheckRecord } from '../report/journal';
import { type CheckSpec, type Experiment, formatDuration, formatMs, probeLabel, resolveProbe, toMs } from '../spec';
import { long, summary } from './activities';

export async function runChecks(exp: Experiment, stack: StackHandle | undefined, since: number): Promise<CheckRecord[]> {
  return Promise.all(exp.checks.map((c, i) => runCheck(exp, c, i, stack, since)));
}

async function runCheck(exp: Experiment, c: CheckSpec, i: number, stack: StackHandle | undefined, since: number): Promise<CheckRecord> {
  const id = c.id ?? `${c.kind}-${i}`;
  switch (c.kind) {
    case 'time-to-green': {
      const probe = resolveProbe(exp, c.probe);
      const label = probeLabel(c.probe);
      const withinMs = toMs(c.within);
      const r = await long.timeToGreen.executeWithOptions(
        { ...summary(`time-to-green ${label} within ${formatDuration(c.within)}`), startToCloseTimeout: withinMs + 120_000 },
        [{ probe, stack, since, withinMs, consecutive: c.consecutive, intervalMs: toMs(c.interval) }],
      );
      const passed = r.green && r.elapsedMs !== undefined && r.elapsedMs <= withinMs;
      const detail = r.green
        ? `${label} green ${c.consecutive}x in a row after ${formatMs(r.elapsedMs ?? 0)} (bound ${formatDuration(c.within)})`
        : `${label} not green within ${formatDuration(c.within)} after ${r.attempts} attempts${r.lastError ? `; last error: ${r.lastError}` : ''}`;
      return { kind: c.kind, id, passed, detail, elapsedMs: r.elapsedMs };
    }
  }
}
