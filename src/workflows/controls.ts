/**
 * Wires the live controls of an experiment: abort, pause, resume and extend. Abort cancels the
 * method scope (restores then run in the non-cancellable finish); pause, resume and extend act on
 * the method clock and are written to the journal so the timeline explains itself.
 */
import { type CancellationScope, setHandler } from '@temporalio/workflow';
import type { Phase } from '../report/journal';
import { Duration, formatMs, toMs } from '../spec/duration';
import type { MethodClock } from './clock';
import { abortSignal, extendUpdate, pauseSignal, resumeSignal } from './messages';
import type { RunRecorder } from './recorder';

const MAX_EXTEND_MS = 3_600_000;
const BEFORE_OR_IN_METHOD: Phase[] = ['validating', 'stack-up', 'steady-state', 'method', 'fault-injected'];

export interface ControlContext {
  main: CancellationScope;
  clock: MethodClock;
  rec: RunRecorder;
  /** Moves the dead-man deadlines of held faults by `ms`; returns the ones that could not be moved. */
  shiftDeadlines: (ms: number) => Promise<string[]>;
  /** Why an extension by `ms` is refused (the worker's guardrails), or undefined. */
  refuseExtend?: (ms: number) => string | undefined;
}

export function installControls(ctx: ControlContext): void {
  const log = (action: 'pause' | 'resume' | 'extend', detail?: string): void => {
    ctx.rec.record({ kind: 'control', action, detail });
  };
  // A fault held longer than planned keeps its dead-man switch in step: the TTL was set at inject.
  const shift = async (ms: number, action: 'resume' | 'extend'): Promise<void> => {
    const failed = await ctx.shiftDeadlines(ms);
    if (failed.length > 0) log(action, `dead-man switch not moved (the fault may revert early): ${failed.join('; ')}`);
  };
  let pausedAt: number | undefined;

  setHandler(abortSignal, (reason) => {
    ctx.rec.record({ kind: 'abort-requested', reason: reason || 'abort requested' });
    ctx.main.cancel();
  });
  setHandler(pauseSignal, (reason) => {
    // Restores, recovery and checks are never held: past the method a pause is recorded and ignored.
    if (!BEFORE_OR_IN_METHOD.includes(ctx.rec.phase)) return log('pause', `ignored in phase ${ctx.rec.phase}${reason ? `: ${reason}` : ''}`);
    ctx.clock.pause(reason);
    pausedAt ??= Date.now();
    log('pause', reason);
  });
  setHandler(resumeSignal, async () => {
    ctx.clock.resume();
    log('resume');
    if (pausedAt === undefined) return;
    const heldMs = Date.now() - pausedAt;
    pausedAt = undefined;
    await shift(heldMs, 'resume');
  });
  setHandler(
    extendUpdate,
    async (by) => {
      const ms = toMs(by);
      ctx.clock.extend(ms);
      log('extend', formatMs(ms));
      await shift(ms, 'extend');
      return { extendedMs: ms, windows: ctx.clock.state().windows };
    },
    {
      // Rejected updates leave no trace in history, so a wrong extend costs nothing.
      validator: (by) => {
        const parsed = Duration.safeParse(by);
        if (!parsed.success) throw new Error(`extend takes a duration like "30s" or a number of milliseconds, got ${JSON.stringify(by)}`);
        const ms = toMs(parsed.data);
        if (ms <= 0 || ms > MAX_EXTEND_MS) throw new Error('extend by more than 0 and at most 1h at a time');
        const p = ctx.rec.phase;
        if (p !== 'method' && p !== 'fault-injected') throw new Error(`nothing to extend: the run is in phase "${p}"`);
        if (ctx.clock.openWindows() === 0) throw new Error('nothing to extend: no wait or fault window is open right now');
        const refused = ctx.refuseExtend?.(ms);
        if (refused) throw new Error(refused);
      },
    },
  );
}
