/**
 * The method's clock: waits and fault windows that a user can pause, resume and extend while the
 * run is live. A pause freezes what is left of every open window and holds the next step; faults
 * already injected stay injected (a pause is "hold the chaos here", not "undo it"). Resuming
 * continues each window with the time it had left. Extending adds time to every open window.
 */
import { CancellationScope, condition, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { formatMs } from '../spec';
import { summary } from './proxies';

/** Patch id: waits and windows shorter than SHORT_WAIT_MS are timed by a sleep activity. */
export const PATCH_SHORT_WAITS_ON_WORKER = 'short-waits-on-worker';
/**
 * The dev server fires workflow timers on a one-second tick (a 100 ms timer fires after about a
 * second; 1.1 s and longer are on time), so anything shorter than this is timed on the worker.
 */
export const SHORT_WAIT_MS = 2000;

const timing = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '1s', maximumAttempts: 5 },
});

/**
 * Waits `ms`, or until `interrupted()` turns true; returns whether it was interrupted. Short waits
 * run as a sleep activity raced against the interruption (which then cancels it); longer ones, and
 * runs recorded before the patch, on a workflow timer.
 */
async function timedWait(ms: number, interrupted: () => boolean, what: string, endsAt: number): Promise<boolean> {
  if (ms >= SHORT_WAIT_MS || !patched(PATCH_SHORT_WAITS_ON_WORKER)) return condition(interrupted, ms);
  const scope = new CancellationScope();
  // A worker that dies mid-sleep is given up on 2 s past the wait, and the retry sleeps again.
  const options = { ...summary(`${what}: ${formatMs(ms)} on the worker's clock`), startToCloseTimeout: ms + 2000 };
  const slept = scope.run(() => timing.sleepFor.executeWithOptions(options, [{ ms, until: endsAt }]));
  const woke = scope.run(() => condition(interrupted));
  try {
    return await Promise.race([slept.then(() => false), woke.then(() => true)]);
  } finally {
    scope.cancel();
    slept.catch(() => undefined);
    woke.catch(() => undefined);
  }
}

interface Window {
  what: string;
  remainingMs: number;
  /** Workflow time at which `remainingMs` was last brought up to date. */
  since: number;
}

export interface ClockState {
  paused: boolean;
  pauseReason?: string;
  windows: Array<{ what: string; remainingMs: number }>;
}

export class MethodClock {
  private readonly open = new Set<Window>();
  private paused = false;
  private pauseReason?: string;
  /** Bumped on every pause, resume and extend, so a sleeping window wakes up and re-plans. */
  private version = 0;

  pause(reason?: string): void {
    this.paused = true;
    this.pauseReason = reason || 'paused';
    this.version++;
  }

  resume(): void {
    this.paused = false;
    this.pauseReason = undefined;
    this.version++;
  }

  /** Adds time to every open window; returns how many there were. */
  extend(ms: number): number {
    for (const w of this.open) w.remainingMs += ms;
    this.version++;
    return this.open.size;
  }

  openWindows(): number {
    return this.open.size;
  }

  state(): ClockState {
    const now = Date.now();
    return {
      paused: this.paused,
      pauseReason: this.pauseReason,
      windows: [...this.open].map((w) => ({
        what: w.what,
        remainingMs: Math.max(0, this.paused ? w.remainingMs : w.remainingMs - (now - w.since)),
      })),
    };
  }

  /** Before each step: holds while the run is paused. Cancellable, so an abort still gets through. */
  async gate(): Promise<void> {
    if (this.paused) await condition(() => !this.paused);
  }

  /**
   * A wait or a fault window of `ms` that pauses and extensions change. `from`, when given, is when
   * the window really began (a fault window: when its inject landed, on the worker's clock); a short
   * window is then timed to end `ms` after it, not after this call.
   */
  async wait(ms: number, what: string, from?: number): Promise<void> {
    const w: Window = { what, remainingMs: ms, since: Date.now() };
    let endsAt = (from ?? w.since) + ms;
    this.open.add(w);
    try {
      for (;;) {
        if (this.paused) {
          await condition(() => !this.paused);
          w.since = Date.now();
          endsAt = w.since + w.remainingMs;
          continue;
        }
        if (w.remainingMs <= 0) return;
        const seen = this.version;
        const interrupted = await timedWait(w.remainingMs, () => this.version !== seen, what, endsAt);
        const now = Date.now();
        if (!interrupted) return;
        w.remainingMs -= now - w.since;
        w.since = now;
        endsAt = now + w.remainingMs;
      }
    } finally {
      this.open.delete(w);
    }
  }
}
