/**
 * Stop conditions: a continuous probe marked `abortOnFail` aborts the run when it fails
 * `failuresToAbort` samples in a row while chaos is active (from the start of the method until the
 * restore phase). The abort cancels the method scope, so the restores start at once.
 */
import type { Sample } from '../activities/types';
import { type Experiment, toMs } from '../spec';

const RESTORE_GRACE_MS = 5000;

export interface StopConditionHit {
  probe: string;
  /** One probe interval (per failure required) + 5 s: how long after the last green sample the restores must be done. */
  boundMs: number;
  /** Time of the sample that tripped the condition. */
  at: number;
  /** Time of the last green sample before the failures began, when there was one. */
  lastGreenAt?: number;
  detail: string;
}

export class StopConditions {
  private readonly streak = new Map<string, number>();
  private readonly lastGreen = new Map<string, number>();
  armed = false;
  hit?: StopConditionHit;

  constructor(private readonly exp: Experiment) {}

  /**
   * Records a sample of continuous probe `index`; returns the hit when this sample trips a condition.
   * A prober reports only the sample that tripped it, with the failures in a row it counted (`streak`).
   */
  observe(index: number, id: string, sample: Sample, streak?: number): StopConditionHit | undefined {
    const spec = this.exp.continuous[index];
    if (sample.ok) {
      this.streak.set(id, 0);
      this.lastGreen.set(id, sample.at);
      return undefined;
    }
    const n = streak ?? (this.streak.get(id) ?? 0) + 1;
    this.streak.set(id, n);
    if (!spec?.abortOnFail || !this.armed || this.hit || n < spec.failuresToAbort) return undefined;
    this.hit = {
      probe: id,
      boundMs: toMs(spec.every) * spec.failuresToAbort + RESTORE_GRACE_MS,
      at: sample.at,
      lastGreenAt: this.lastGreen.get(id),
      detail: `stop condition: probe ${id} failed ${n} sample(s) in a row (${sample.error ?? 'expectation not met'})`,
    };
    return this.hit;
  }
}

/**
 * Checks the promise after the restores: measured from the last green sample (or the first failed
 * one, when the probe was never green), in the journal's own timestamps. A miss is reported.
 */
export function restoreBound(hit: Pick<StopConditionHit, 'probe' | 'boundMs' | 'at' | 'lastGreenAt'>, lastRestoreAt: number): { withinBound: boolean; late?: string } {
  const from = hit.lastGreenAt ?? hit.at;
  const withinBound = lastRestoreAt - from <= hit.boundMs;
  if (withinBound) return { withinBound };
  return { withinBound, late: `stop condition: restores finished ${lastRestoreAt - from} ms after ${hit.probe} went red, over the ${hit.boundMs} ms bound` };
}
