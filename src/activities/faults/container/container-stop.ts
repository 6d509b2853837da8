// Breaks: stops the target gracefully (SIGTERM, then SIGKILL after the grace period).
// Undone by: starting it again and waiting until Docker reports it running.
import { toMs } from '../../../spec/duration';
import type { FaultOf } from '../../../spec/faults';
import type { FaultContext, FaultDriver, PortsOf } from '../driver';
import { containerResidue, ensureRunning, graceSeconds } from './container-state';
import { startScript } from './self-revert';

type StopFault = FaultOf<'container-stop'>;

export function containerStop(ports: PortsOf<'container-stop'>): FaultDriver<StopFault> {
  return {
    async inject(ctx: FaultContext<StopFault>): Promise<string> {
      const grace = graceSeconds(toMs(ctx.fault.grace));
      const r = await ports.ops.stop(ctx.target.id, grace);
      return r === 'done' ? `${ctx.target.name}: stopped (grace ${grace}s)` : `${ctx.target.name}: already stopped`;
    },

    restore: (ctx) => ensureRunning(ports, ctx),

    verify: (ctx) => containerResidue(ports, ctx),

    selfRevert: (ctx) => startScript(ctx.target.id),
  };
}
