import type Docker from 'dockerode';
import { projectFilter } from './docker-spec';
import { ignoreGone } from './resources';

/**
 * Removes everything labelled with the project: containers (with their anonymous volumes), then
 * networks, then named volumes. Selecting by label rather than by the compose file means helper
 * containers that fault drivers started for the project go too, and that teardown still works
 * when the compose file changed or is gone. Safe to repeat; nothing found is not an error.
 */
export async function stackDown(docker: Docker, project: string): Promise<{ removed: string[] }> {
  const filters = projectFilter(project);
  const removed: string[] = [];

  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map(async (c) => {
      const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
      if (await gone(docker.getContainer(c.Id).remove({ force: true, v: true }))) removed.push(name);
    }),
  );

  for (const n of await docker.listNetworks({ filters })) {
    const net = docker.getNetwork(n.Id);
    // A container of another project still attached would block removal; cut it loose.
    const info = await ignoreGone(net.inspect());
    for (const id of Object.keys(info?.Containers ?? {})) {
      await ignoreGone(net.disconnect({ Container: id, Force: true }));
    }
    if (await gone(net.remove())) removed.push(n.Name);
  }

  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) {
    if (await gone(docker.getVolume(v.Name).remove({ force: true }))) removed.push(v.Name);
  }
  return { removed: removed.sort() };
}

/** `true` when this call removed it; a concurrent removal (404 or 409) counts as already gone. */
async function gone(removal: Promise<unknown>): Promise<boolean> {
  return (await ignoreGone(removal.then(() => true))) ?? false;
}
