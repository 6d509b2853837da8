// Breaks: restarts the target (SIGTERM then SIGKILL after the grace, default none), dropping its state.
// Undone by: nothing to revert; restore makes sure it runs again, starting it if the restart left it down.
import { toMs } from '../../../spec/duration';
import type { FaultOf } from '../../../spec/faults';
import type { FaultContext, FaultDriver, PortsOf } from '../driver';
import { containerResidue, ensureRunning, graceSeconds } from './container-state';

type RestartFault = FaultOf<'container-restart'>;

export function containerRestart(ports: PortsOf<'container-restart'>): FaultDriver<RestartFault> {
  return {
    async inject(ctx: FaultContext<RestartFault>): Promise<string> {
      const grace = graceSeconds(toMs(ctx.fault.grace));
      // A retry restarts again: a restart carries no state that could say "already done", and a
      // second restart is the same fault, not a different one.
      await ports.ops.restart(ctx.target.id, grace);
      return `${ctx.target.name}: restarted (grace ${grace}s)`;
    },

    restore: (ctx) => ensureRunning(ports, ctx),

    verify: (ctx) => containerResidue(ports, ctx),

    // No selfRevert: a restart is over when the inject returns, so nothing is left for a dead-man
    // switch to undo; a restart that left the target down is the restore's (or the janitor's) job.
  };
}
