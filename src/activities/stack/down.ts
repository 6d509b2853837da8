import type Docker from 'dockerode';
import type { StackOwner } from '../types';
import { projectFilter } from './docker-spec';
import { ownedBy } from './owner';
import { ignoreGone } from './resources';
import { statusOf } from '../docker/status';
import { fanOutFromEnv, mapBounded } from '../bounded';

/**
 * Removes everything labelled with the project: containers (with their anonymous volumes), then
 * networks, then named volumes. Selecting by label rather than by the compose file means helper
 * containers that fault drivers started for the project go too, and that teardown still works
 * when the compose file changed or is gone. Safe to repeat; nothing found is not an error.
 *
 * With an `owner`, only what that run owns goes: on a shared stack another run started, the
 * owner's containers, networks and volumes stay up and only those this run added are removed.
 * Without one (runs recorded before stacks had owners), everything of the project goes, as before.
 * A stack Faultline did not create (an attached one) carries no `faultline.project` label and is
 * never selected here.
 */
export async function stackDown(docker: Docker, project: string, owner?: StackOwner): Promise<{ removed: string[]; left?: string[] }> {
  const filters = projectFilter(project);
  const removed: string[] = [];
  const left: string[] = [];
  const mine = (labels: Record<string, string> | null | undefined, name: string): boolean => {
    if (!owner || ownedBy(labels, owner)) return true;
    left.push(name);
    return false;
  };

  const containers = await docker.listContainers({ all: true, filters });
  // Bounded: hundreds of removals at once left the engine holding endpoints of removed containers.
  await mapBounded(containers, fanOutFromEnv(), async (c) => {
    const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
    if (!mine(c.Labels, name)) return;
    if (await gone(docker.getContainer(c.Id).remove({ force: true, v: true }))) removed.push(name);
  });

  for (const n of await docker.listNetworks({ filters })) {
    if (!mine(n.Labels, n.Name)) continue;
    if (await removeNetwork(docker.getNetwork(n.Id))) removed.push(n.Name);
  }

  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) {
    if (!mine(v.Labels, v.Name)) continue;
    if (await gone(docker.getVolume(v.Name).remove({ force: true }))) removed.push(v.Name);
  }
  // `left` only with an owner: what another run owns and this teardown therefore kept.
  return { removed: removed.sort(), ...(owner ? { left: left.sort() } : {}) };
}

/**
 * A container of another project still attached would block removal, so it is cut loose first. And
 * right after many containers were removed at once, the engine can still hold some of their
 * endpoints for a moment ("has active endpoints", 403): the removal is tried again for a few
 * seconds before that is an error (seen at 200 containers).
 */
async function removeNetwork(net: Docker.Network, attempts = 20, waitMs = 250): Promise<boolean> {
  for (let i = 1; ; i++) {
    const info = await ignoreGone(net.inspect());
    if (!info) return false;
    // A stale endpoint is listed by an endpoint id the engine may only accept by its name.
    for (const [id, ep] of Object.entries(info.Containers ?? {})) {
      // By id, then by name: for a stale endpoint the engine answers "not connected" to the id.
      await ignoreGone(net.disconnect({ Container: id, Force: true })).catch(() => undefined);
      if (ep.Name) await ignoreGone(net.disconnect({ Container: ep.Name, Force: true })).catch(() => undefined);
    }
    try {
      return await gone(net.remove());
    } catch (err) {
      if (i >= attempts || statusOf(err) !== 403) throw err;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/** `true` when this call removed it; a concurrent removal (404 or 409) counts as already gone. */
async function gone(removal: Promise<unknown>): Promise<boolean> {
  return (await ignoreGone(removal.then(() => true))) ?? false;
}
