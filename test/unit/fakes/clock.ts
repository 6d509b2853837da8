/** A Clock whose time moves only when someone sleeps, so polling loops run instantly in tests. */
import { type Clock, abortReason } from '../../../src/activities/ports';

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(public current = 1_000_000) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortReason(signal);
    this.sleeps.push(ms);
    this.current += ms;
  }
}
