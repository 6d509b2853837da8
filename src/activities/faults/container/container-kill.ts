// Breaks: sends a signal (SIGKILL by default) to the target's main process, usually ending it.
// Undone by: starting the container again if it is not running; SIGCONT after a stop-type signal.
import type { FaultOf } from '../../../spec/faults';
import type { FaultContext, FaultDriver, PortsOf, TargetOutcome } from '../driver';
import { containerResidue, ensureRunning } from './container-state';
import { startScript } from './self-revert';

type KillFault = FaultOf<'container-kill'>;

/** Signals that freeze rather than end a process; Docker still reports the container running. */
const STOP_SIGNALS = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', '19', '20', '21', '22']);

export function containerKill(ports: PortsOf<'container-kill'>): FaultDriver<KillFault> {
  const { ops } = ports;
  return {
    async inject(ctx: FaultContext<KillFault>): Promise<string> {
      const signal = ctx.fault.signal;
      const state = await ops.inspect(ctx.target.id);
      // A retried inject finds the container already dead: that is the fault holding, not an error.
      if (state && !state.running) return `${ctx.target.name}: already not running (status ${state.status})`;
      const r = await ops.kill(ctx.target.id, signal);
      return r === 'done' ? `${ctx.target.name}: killed with ${signal}` : `${ctx.target.name}: already not running`;
    },

    async restore(ctx: FaultContext<KillFault>): Promise<TargetOutcome> {
      if (STOP_SIGNALS.has(ctx.fault.signal)) {
        const state = await ops.inspect(ctx.target.id);
        if (state?.running && !state.paused) {
          // The process may be frozen without Docker knowing; SIGCONT is harmless if it is not.
          await ops.kill(ctx.target.id, 'SIGCONT');
          return { outcome: 'restored', detail: 'sent SIGCONT' };
        }
      }
      return ensureRunning(ports, ctx);
    },

    verify: (ctx) => containerResidue(ports, ctx),

    selfRevert: (ctx) => startScript(ctx.target.id, STOP_SIGNALS.has(ctx.fault.signal)),
  };
}
