// Breaks: adds `count` clones of the target (same image, config, mounts, network), e.g. servers joining its cluster.
// Undone by: removing every container labelled with this fault's tag; verify lists any that are left.
import { createHash } from 'node:crypto';
import type { FaultOf } from '../../../spec/faults';
import { LABELS } from '../../docker/labels';
import type { ContainerRef } from '../../types';
import type { FaultContext, FaultDriver, PortsOf, SelfRevert, TargetOutcome } from '../driver';

type Surge = FaultOf<'membership-surge'>;
export const SURGE_LABEL = LABELS.surge;

/** Short, stable per fault and target: container names must be unique on the engine. */
export const surgeTag = (faultId: string, target: ContainerRef): string =>
  createHash('sha256').update(`${faultId}|${target.id}`).digest('hex').slice(0, 8);

/** `nats-a1-s1a2b-1`: the name a clone is reachable under and, via `{name}`, its server name. */
export function cloneNames(target: ContainerRef, tag: string, count: number): string[] {
  const base = target.service ?? target.name;
  return Array.from({ length: count }, (_, i) => `${base}-s${tag.slice(0, 4)}-${i + 1}`);
}

export function membershipSurge(ports: PortsOf<'membership-surge'>): FaultDriver<Surge> {
  const { clones } = ports;
  return {
    async inject(ctx: FaultContext<Surge>): Promise<string> {
      const names = cloneNames(ctx.target, surgeTag(ctx.faultId, ctx.target), ctx.fault.count);
      for (const name of names) {
        await clones.clone(ctx.target.id, {
          alias: name,
          cmd: ctx.fault.command?.map((a) => a.replaceAll('{name}', name)),
          // A service of its own keeps clones out of target selection by the target's service.
          labels: { [LABELS.service]: `${ctx.target.service ?? 'clone'}-surge`, [SURGE_LABEL]: surgeTag(ctx.faultId, ctx.target) },
        });
      }
      return `${ctx.target.name}: started ${names.length} clone(s): ${names.join(', ')}`;
    },

    async restore(ctx: FaultContext<Surge>): Promise<TargetOutcome> {
      const found = await clones.list(SURGE_LABEL, surgeTag(ctx.faultId, ctx.target));
      for (const c of found) await clones.remove(c.id);
      return found.length > 0 ? { outcome: 'restored', detail: `removed ${found.map((c) => c.name).join(', ')}` } : { outcome: 'already-clean' };
    },

    async verify(ctx: FaultContext<Surge>): Promise<string[]> {
      const left = await clones.list(SURGE_LABEL, surgeTag(ctx.faultId, ctx.target));
      return left.map((c) => `${ctx.target.name}: surge clone left: ${c.name}`);
    },

    selfRevert(ctx: FaultContext<Surge>): SelfRevert {
      const filter = encodeURIComponent(JSON.stringify({ label: [`${SURGE_LABEL}=${surgeTag(ctx.faultId, ctx.target)}`] }));
      const sock = 'curl -s --unix-socket /var/run/docker.sock';
      return {
        dockerSocket: true,
        script: `for id in $(${sock} "http://d/containers/json?all=1&filters=${filter}" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do ${sock} -X DELETE "http://d/containers/$id?force=1"; done`,
      };
    },
  };
}
