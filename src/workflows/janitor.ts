/**
 * The `janitor` workflow, started by the `faultline-janitor` schedule. Terminate and timeouts skip
 * an experiment's restore phase by design; the janitor finds such runs through `FaultlineFaults`
 * and restores their faults with the same idempotent restore activity, then frees their leases.
 */
import type { FaultRecord } from '../activities/types';
import { errorText } from '../errors';
import { quick, restoring, summary } from './proxies';

export interface JanitorInput {
  /** How far back to look for closed runs, in ms (default one day). */
  lookbackMs?: number;
}

export interface JanitorRun {
  workflowId: string;
  status: string;
  restored: string[];
  failed: string[];
  /** Reverter records that did not validate against the run: reported, never acted on. */
  skipped?: string[];
}

export interface JanitorReport {
  runs: JanitorRun[];
}

const DAY_MS = 24 * 3600 * 1000;

export async function janitor(input: JanitorInput = {}): Promise<JanitorReport> {
  const orphans = await quick.findOrphanFaults.executeWithOptions(summary('find faults of closed runs'), [{ lookbackMs: input.lookbackMs ?? DAY_MS }]);
  const runs: JanitorRun[] = [];
  for (const o of orphans) {
    // A run whose reverters are all gone was cleaned already (by an earlier sweep or its dead-man switch).
    const skipped = o.skipped?.length ? { skipped: o.skipped } : {};
    if (o.records.length === 0) {
      // Nothing valid to restore, and its leases stay: a forged record must not release them either.
      if (o.skipped?.length) runs.push({ workflowId: o.workflowId, status: o.status, restored: [], failed: [], ...skipped });
      continue;
    }
    const run: JanitorRun = { workflowId: o.workflowId, status: o.status, restored: [], failed: [], ...skipped };
    for (const rec of o.records) await restoreOne(rec, run);
    if (run.failed.length === 0) await quick.releaseLeases.executeWithOptions(summary(`release leases of ${o.workflowId}`), [{ run: o.workflowId }]);
    runs.push(run);
  }
  return { runs };
}

async function restoreOne(rec: FaultRecord, run: JanitorRun): Promise<void> {
  try {
    await restoring.restoreFault.executeWithOptions(summary(`janitor: restore ${rec.faultId}`), [rec]);
    run.restored.push(rec.faultId);
  } catch (err) {
    run.failed.push(`${rec.faultId}: ${errorText(err)}`);
  }
}
