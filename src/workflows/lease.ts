/**
 * Takes the lease on a fault's targets before its inject, so two runs never fault one container at
 * once. A busy target either ends the run at once or is retried on a durable timer until the
 * holder finishes, its lease expires (its TTL), or the configured wait runs out. The experiment and
 * the janitor release a run's leases once its faults are restored.
 */
import { ApplicationFailure, sleep, workflowInfo } from '@temporalio/workflow';
import type { ContainerRef, LeaseHolder } from '../activities/types';
import { type Safety, toMs } from '../spec';
import { quick, summary } from './proxies';
import type { RunRecorder } from './recorder';

const RETRY_MS = 1000;

/** Returns the fault's deadline (epoch ms), computed when the lease was finally taken. */
export async function takeLease(faultId: string, targets: ContainerRef[], ttlMs: number, settings: Safety['lease']): Promise<number> {
  const run = workflowInfo().workflowId;
  const giveUpAt = Date.now() + toMs(settings.timeout);
  const names = targets.map((t) => t.name).join(', ');
  for (;;) {
    const expiresAt = Date.now() + ttlMs;
    const r = await quick.acquireLease.executeWithOptions(summary(`lease ${names}`), [{ run, faultId, targets, expiresAt }]);
    if (r.acquired) return expiresAt;
    if (settings.onBusy === 'fail' || Date.now() + RETRY_MS > giveUpAt) {
      const waited = settings.onBusy === 'fail' ? '' : ` (waited ${toMs(settings.timeout) / 1000}s)`;
      throw ApplicationFailure.nonRetryable(`${busyText(r.holder)}${waited}`, 'TargetLeased', r.holder);
    }
    await sleep(RETRY_MS);
  }
}

export function busyText(h: LeaseHolder): string {
  return `target ${h.target} is leased by run ${h.run} (fault ${h.faultId}) until ${new Date(h.expiresAt).toISOString()}`;
}

/** Releases the run's target leases; a failure is recorded (the residue scan will also see the lease). */
export async function releaseLeases(rec: RunRecorder): Promise<void> {
  try {
    await quick.releaseLeases.executeWithOptions(summary('release target leases'), [{ run: rec.workflowId }]);
  } catch (err) {
    rec.record({ kind: 'problem', what: 'target leases could not be released', error: err });
  }
}
