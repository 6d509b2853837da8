/**
 * Stop conditions: a continuous probe marked `abortOnFail` aborts the run when it fails
 * `failuresToAbort` samples in a row while chaos is active (from the start of the method until the
 * restore phase). The abort cancels the method scope, so the restores start at once.
 */
import type { Sample } from '../activities/types';
import type { Experiment } from '../spec';

export interface StopConditionHit {
  probe: string;
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

  /** Records a sample of continuous probe `index`; returns the hit when this sample trips a condition. */
  observe(index: number, id: string, sample: Sample): StopConditionHit | undefined {
    const spec = this.exp.continuous[index];
    if (sample.ok) {
      this.streak.set(id, 0);
      this.lastGreen.set(id, sample.at);
      return undefined;
    }
    const n = (this.streak.get(id) ?? 0) + 1;
    this.streak.set(id, n);
    if (!spec?.abortOnFail || !this.armed || this.hit || n < spec.failuresToAbort) return undefined;
    this.hit = {
      probe: id,
      at: sample.at,
      lastGreenAt: this.lastGreen.get(id),
      detail: `stop condition: probe ${id} failed ${n} sample(s) in a row (${sample.error ?? 'expectation not met'})`,
    };
    return this.hit;
  }
}
