// Breaks: freezes every process of the target (cgroup freezer); connections stay open but go silent.
// Undone by: unpausing it if it is still paused.
import type { FaultOf } from '../../spec/faults';
import { isGone } from '../ports';
import { type FaultContext, type FaultDriver, type TargetContext, type TargetOutcome, containerResidue } from './driver';
import { unpauseScript } from './self-revert';

type PauseFault = FaultOf<'container-pause'>;

export const containerPause: FaultDriver<PauseFault> = {
  async inject(ctx: FaultContext<PauseFault>): Promise<string> {
    // Pausing a stopped container is a ContainerConflict: the fault cannot hold, so it must not pass.
    const r = await ctx.deps.ops.pause(ctx.target.id);
    return r === 'done' ? `${ctx.target.name}: paused` : `${ctx.target.name}: already paused`;
  },

  restore: ensureUnpaused,

  verify: containerResidue,

  selfRevert: (_rec, target) => unpauseScript(target.id),
};

/** Unpauses the target if it is paused; shared with the `container-unpause` rollback. */
export async function ensureUnpaused(ctx: TargetContext): Promise<TargetOutcome> {
  const { ops } = ctx.deps;
  const state = await ops.inspect(ctx.target.id);
  if (!state) return { outcome: 'gone' };
  // Starting a stopped container is not this fault's to do; another fault's restore owns that.
  if (!state.paused) return state.running ? { outcome: 'already-clean' } : { outcome: 'already-clean', detail: 'not paused, not running' };
  try {
    const r = await ops.unpause(ctx.target.id);
    return r === 'done' ? { outcome: 'restored', detail: 'unpaused' } : { outcome: 'already-clean' };
  } catch (err) {
    if (isGone(err)) return { outcome: 'gone' };
    throw err;
  }
}
