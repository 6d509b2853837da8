/**
 * The method's clock: waits and fault windows that a user can pause, resume and extend while the
 * run is live. A pause freezes what is left of every open window and holds the next step; faults
 * already injected stay injected (a pause is "hold the chaos here", not "undo it"). Resuming
 * continues each window with the time it had left. Extending adds time to every open window.
 */
import { condition } from '@temporalio/workflow';

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

  /** A wait or a fault window of `ms` that pauses and extensions change. */
  async wait(ms: number, what: string): Promise<void> {
    const w: Window = { what, remainingMs: ms, since: Date.now() };
    this.open.add(w);
    try {
      for (;;) {
        if (this.paused) {
          await condition(() => !this.paused);
          w.since = Date.now();
          continue;
        }
        if (w.remainingMs <= 0) return;
        const seen = this.version;
        const interrupted = await condition(() => this.version !== seen, w.remainingMs);
        const now = Date.now();
        if (!interrupted) return;
        w.remainingMs -= now - w.since;
        w.since = now;
      }
    } finally {
      this.open.delete(w);
    }
  }
}
