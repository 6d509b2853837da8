/**
 * A wait on the worker's clock. The workflow times waits and fault windows shorter than about two
 * seconds with it, because a workflow timer on the dev server fires on a one-second tick: a 100 ms
 * timer fires after about a second (docs/architecture.md, "Timing").
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from './ports';

export interface SleepInput {
  ms: number;
}

export async function sleepFor(clock: Clock, input: SleepInput, signal?: AbortSignal): Promise<{ sleptMs: number }> {
  const t0 = performance.now();
  await clock.sleep(Math.max(0, input.ms), signal);
  return { sleptMs: Math.round((performance.now() - t0) * 100) / 100 };
}
