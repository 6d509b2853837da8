/**
 * A wait on the worker's clock. The workflow times waits and fault windows shorter than about two
 * seconds with it, because a workflow timer on the dev server fires on a one-second tick: a 100 ms
 * timer fires after about a second (docs/architecture.md, "Timing").
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from './ports';

export interface SleepInput {
  ms: number;
  /**
   * Epoch ms the wait should end at, from the workflow's clock when it began: the time the activity
   * took to be scheduled and started is taken off, by at most MAX_CATCH_UP_MS, so a worker clock
   * ahead of the workflow's cannot cut a fault window short by more than that.
   */
  until?: number;
}

export const MAX_CATCH_UP_MS = 250;

export function sleepMs(input: SleepInput, now: number): number {
  const ms = Math.max(0, input.ms);
  if (input.until === undefined) return ms;
  return Math.max(0, ms - MAX_CATCH_UP_MS, Math.min(ms, input.until - now));
}

export async function sleepFor(clock: Clock, input: SleepInput, signal?: AbortSignal): Promise<{ sleptMs: number }> {
  const t0 = performance.now();
  await clock.sleep(sleepMs(input, clock.now()), signal);
  return { sleptMs: Math.round((performance.now() - t0) * 100) / 100 };
}
