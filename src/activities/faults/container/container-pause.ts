// Breaks: freezes every process of the target (cgroup freezer); connections stay open but go silent.
// Undone by: unpausing it if it is still paused.
import type { FaultOf } from '../../../spec/faults';
import type { FaultContext, FaultDriver, PortsOf } from '../driver';
import { containerResidue, ensureUnpaused } from './container-state';
import { unpauseScript } from './self-revert';

type PauseFault = FaultOf<'container-pause'>;

export function containerPause(ports: PortsOf<'container-pause'>): FaultDriver<PauseFault> {
  return {
    async inject(ctx: FaultContext<PauseFault>): Promise<string> {
      // Pausing a stopped container is a ContainerConflict: the fault cannot hold, so it must not pass.
      const r = await ports.ops.pause(ctx.target.id);
      return r === 'done' ? `${ctx.target.name}: paused` : `${ctx.target.name}: already paused`;
    },

    restore: (ctx) => ensureUnpaused(ports, ctx),

    verify: (ctx) => containerResidue(ports, ctx),

    selfRevert: (ctx) => unpauseScript(ctx.target.id),
  };
}
