// Breaks: sends a signal (SIGKILL by default) to the target's main process, usually ending it.
// Undone by: starting the container again if it is not running; SIGCONT after a stop-type signal.
import type { FaultOf } from '../../spec/faults';
import { type FaultContext, type FaultDriver, type TargetOutcome, containerResidue, ensureRunning } from './driver';
import { startScript } from './self-revert';

type KillFault = FaultOf<'container-kill'>;

/** Signals that freeze rather than end a process; Docker still reports the container running. */
const STOP_SIGNALS = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', '19', '20', '21', '22']);

export const containerKill: FaultDriver<KillFault> = {
  async inject(ctx: FaultContext<KillFault>): Promise<string> {
    const { ops } = ctx.deps;
    const signal = ctx.fault.signal;
    const state = await ops.inspect(ctx.target.id);
    // A retried inject finds the container already dead: that is the fault holding, not an error.
    if (state && !state.running) return `${ctx.target.name}: already not running (status ${state.status})`;
    const r = await ops.kill(ctx.target.id, signal);
    return r === 'done' ? `${ctx.target.name}: killed with ${signal}` : `${ctx.target.name}: already not running`;
  },

  async restore(ctx: FaultContext<KillFault>): Promise<TargetOutcome> {
    if (STOP_SIGNALS.has(ctx.fault.signal)) {
      const state = await ctx.deps.ops.inspect(ctx.target.id);
      if (state?.running && !state.paused) {
        // The process may be frozen without Docker knowing; SIGCONT is harmless if it is not.
        await ctx.deps.ops.kill(ctx.target.id, 'SIGCONT');
        return { outcome: 'restored', detail: 'sent SIGCONT' };
      }
    }
    return ensureRunning(ctx);
  },

  verify: containerResidue,

  selfRevert: (rec, target) => startScript(target.id, rec.spec.kind === 'container-kill' && STOP_SIGNALS.has(rec.spec.signal)),
};
