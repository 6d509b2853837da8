import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import type { ComposeModel } from '../../spec/compose';
import { LABELS } from '../docker/labels';
import { statusOf } from '../docker/status';
import { networkOptions, volumeOptions } from './docker-spec';
import type { StackOwner } from '../types';

/**
 * Networks, volumes and images a stack needs before its containers. Each `ensure` first looks for
 * the object and accepts one left by an earlier attempt of the same project, because stack up is
 * retried by Temporal and may also race a previous attempt that is still running.
 */
/** Docker answers 404 for a missing object and 409 when it is already being removed. */
export async function ignoreGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (statusOf(err) === 404 || statusOf(err) === 409) return undefined;
    throw err;
  }
}

export function ensureOwned(kind: string, name: string, labels: Record<string, string> | undefined, project: string): void {
  const owner = labels?.[LABELS.project];
  if (owner !== project) {
    throw new FaultlineError('StackConflict', `${kind} "${name}" already exists and belongs to ${owner ? `project "${owner}"` : 'no Faultline project'}`, {
      hint: `remove it (docker ${kind} rm ${name}) or choose another stack.project`,
      retryable: false,
    });
  }
}

/**
 * Returns compose network -> Docker network id. Docker's duplicate-name check is not atomic, so two
 * racing attempts can both create a network; every attempt then keeps the same one (the oldest)
 * and removes the rest, and containers refer to networks by id, never by the ambiguous name.
 */
export async function ensureNetworks(docker: Docker, project: string, model: ComposeModel, names: string[], owner?: StackOwner): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const name of names) {
    const opts = networkOptions(project, name, model, owner);
    // The name filter matches substrings, so compare exactly.
    const find = async () => (await docker.listNetworks({ filters: { name: [opts.Name] } })).filter((n) => n.Name === opts.Name);
    let found = await find();
    if (found.length === 0) {
      try {
        await docker.createNetwork(opts);
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
      found = await find();
    }
    const [keep, ...extra] = found.sort((a, b) => a.Created.localeCompare(b.Created) || a.Id.localeCompare(b.Id));
    if (!keep) throw new FaultlineError('DockerError', `network ${opts.Name} vanished right after it was created`);
    ensureOwned('network', opts.Name, keep.Labels, project);
    for (const n of extra) await ignoreGone(docker.getNetwork(n.Id).remove());
    ids[name] = keep.Id;
  }
  return ids;
}

export async function ensureVolumes(docker: Docker, project: string, model: ComposeModel, names: string[], owner?: StackOwner): Promise<void> {
  for (const name of names) {
    const opts = volumeOptions(project, name, model, owner);
    const found = await ignoreGone(docker.getVolume(opts.Name ?? name).inspect());
    if (found) ensureOwned('volume', found.Name, found.Labels ?? undefined, project);
    else await docker.createVolume(opts);
  }
}

/** There is no registry to pull from, so a missing image is a setup problem, not a retryable one. */
export async function ensureImages(docker: Docker, model: ComposeModel, services: string[]): Promise<void> {
  const missing: string[] = [];
  for (const service of services) {
    const image = model.services[service].image;
    if (!(await ignoreGone(docker.getImage(image).inspect()))) missing.push(`${image} (service ${service})`);
  }
  if (missing.length > 0) {
    const how = 'images are built locally by `npm run setup` (scripts/setup.sh); there is no registry to pull from';
    throw new FaultlineError('ImageMissing', `image not found: ${missing.join(', ')}; ${how}`, {
      context: { missing },
      hint: 'run `npm run setup`, which builds every image under infra/images',
      retryable: false,
    });
  }
}
