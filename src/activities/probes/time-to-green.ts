/**
 * Time-to-green: after the last restore, how long until the probe passes `consecutive` times in a
 * row. A streak that began before the deadline may finish after it, so a system that turned green
 * just in time is measured, not cut off; the check compares elapsedMs with its bound.
 */
import { abortReason } from '../ports';
import type { TimeToGreenInput, TimeToGreenResult } from '../types';
import type { ProbeDeps } from './probe';
import { runProbe } from './run';

export interface TimeToGreenOptions {
  onProgress?: (attempts: number, streak: number) => void;
  signal?: AbortSignal;
}

export async function timeToGreen(deps: ProbeDeps, input: TimeToGreenInput, opts: TimeToGreenOptions = {}): Promise<TimeToGreenResult> {
  const { clock } = deps;
  const deadline = input.since + input.withinMs;
  const needed = Math.max(1, input.consecutive);
  // A floor keeps a zero interval from turning into a busy loop against the target.
  const interval = Math.max(10, input.intervalMs);
  let attempts = 0;
  let streak = 0;
  let streakStart: number | undefined;
  let lastError: string | undefined;
  const start = clock.now();

  for (;;) {
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    const sample = await runProbe(deps, { probe: input.probe, stack: input.stack });
    attempts += 1;
    if (sample.ok) {
      streak += 1;
      streakStart ??= sample.at;
    } else {
      streak = 0;
      streakStart = undefined;
      lastError = sample.error ?? 'expectation not met';
    }
    opts.onProgress?.(attempts, streak);
    if (streak >= needed && streakStart !== undefined) {
      return { green: true, elapsedMs: Math.max(0, streakStart - input.since), attempts, lastError };
    }
    // Attempts keep a fixed cadence from the first one, however long each probe took.
    const next = start + attempts * interval;
    if (streak === 0 && Math.max(next, clock.now()) > deadline) return { green: false, attempts, lastError };
    await clock.sleep(Math.max(0, next - clock.now()), opts.signal);
  }
}
