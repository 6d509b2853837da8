/**
 * Target leases. A lease is a created (never started) container named after the target: Docker
 * refuses a second container with the same name, which makes taking a lease atomic across runs
 * and workers with no store besides the engine. A lease is the run's until its restore phase ends
 * or its TTL passes; an expired lease of a dead run is taken over, so it never blocks forever.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import type { Clock } from '../ports';
import type { LeaseHolder, LeaseInput, LeaseResult } from '../types';
import { DEFAULT_FAN_OUT, mapBounded } from '../bounded';
import { statusOf } from '../docker/status';
import { LABEL, hardenedHostConfig, helperImageId, helperName, listHelpers, removeHelper } from './helpers';

/**
 * Takes (or renews) the lease on every target, at most `limit` at once. Every target is tried; the
 * first foreign holder in target order is the answer, and the leases taken meanwhile stay the
 * run's until it releases them, as before.
 */
export async function acquireLease(docker: Docker, clock: Clock, input: LeaseInput, limit = DEFAULT_FAN_OUT): Promise<LeaseResult> {
  const holders = await mapBounded(input.targets, limit, (target) => takeOne(docker, clock, input, target.id, target.name));
  const holder = holders.find((h) => h !== undefined);
  return holder ? { acquired: false, holder } : { acquired: true };
}

/** Returns the foreign holder, or undefined once this run holds the target's lease. */
async function takeOne(docker: Docker, clock: Clock, input: LeaseInput, targetId: string, targetName: string): Promise<LeaseHolder | undefined> {
  const name = helperName('lease', targetId);
  const image = await helperImageId(docker);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await docker.createContainer({
        name,
        Image: image,
        Cmd: ['true'],
        Labels: {
          [LABEL.helper]: 'lease',
          [LABEL.run]: input.run,
          [LABEL.fault]: input.faultId,
          [LABEL.target]: targetName,
          [LABEL.deadline]: String(input.expiresAt),
        },
        HostConfig: hardenedHostConfig({ network: 'none' }),
      });
      return undefined;
    } catch (err) {
      if (statusOf(err) !== 409) throw new FaultlineError('LeaseFailed', `cannot take the lease on ${targetName}: ${(err as Error).message}`, { cause: err });
    }
    const info = await docker.getContainer(name).inspect().catch(() => undefined);
    if (!info) continue; // released between our create and inspect: try again
    const labels = info.Config.Labels ?? {};
    const holder: LeaseHolder = { run: labels[LABEL.run], faultId: labels[LABEL.fault], target: targetName, expiresAt: Number(labels[LABEL.deadline]) };
    const expired = !(holder.expiresAt > clock.now());
    if (holder.run === input.run && holder.expiresAt >= input.expiresAt) return undefined;
    // Our own shorter lease is renewed by replacing it; a stale foreign one is taken over.
    if (holder.run !== input.run && !expired) return holder;
    await removeHelper(docker, info.Id);
  }
  throw new FaultlineError('LeaseFailed', `cannot take the lease on ${targetName}: it keeps changing hands`);
}

/** Releases every lease the run holds; returns the targets released. */
export async function releaseLeases(docker: Docker, run: string): Promise<string[]> {
  const leases = (await listHelpers(docker, { run })).filter((h) => h.kind === 'lease');
  await mapBounded(leases, DEFAULT_FAN_OUT, (l) => removeHelper(docker, l.id));
  return leases.map((l) => l.labels[LABEL.target] ?? l.name);
}
