// Breaks: stops the target gracefully (SIGTERM, then SIGKILL after the grace period).
// Undone by: starting it again and waiting until Docker reports it running.
import { toMs } from '../../spec/duration';
import type { FaultOf } from '../../spec/faults';
import { type FaultContext, type FaultDriver, type TargetOutcome, containerResidue, ensureRunning, graceSeconds } from './driver';
import { startScript } from './self-revert';

type StopFault = FaultOf<'container-stop'>;

export const containerStop: FaultDriver<StopFault> = {
  async inject(ctx: FaultContext<StopFault>): Promise<string> {
    const grace = graceSeconds(toMs(ctx.fault.grace));
    const r = await ctx.deps.ops.stop(ctx.target.id, grace);
    return r === 'done' ? `${ctx.target.name}: stopped (grace ${grace}s)` : `${ctx.target.name}: already stopped`;
  },

  async restore(ctx: FaultContext<StopFault>): Promise<TargetOutcome> {
    return ensureRunning(ctx);
  },

  verify: containerResidue,

  selfRevert: (_rec, target) => startScript(target.id),
};
