/**
 * Everything after the method, one stage per function, in this order: restores, user rollbacks,
 * recovery and checks, the residue scan, artifacts, teardown and the journal. Runs inside the
 * workflow's non-cancellable scope; each stage reports its failures to the recorder and lets the
 * next one run, because a half-finished cleanup is worse than a noisy one.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { StackHandle, StackOwner } from '../activities/types';
import { type Experiment, describeTarget } from '../spec';
import { selectTargets } from '../spec/select';
import { SA_OUTCOME } from '../temporal/search-attributes';
import { errorText } from '../errors';
import { runChecks } from './checks';
import type { ContinuousProbes } from './continuous';
import { releaseLeases } from './lease';
import { long, quick, restoring, summary } from './proxies';
import type { RunRecorder } from './recorder';
import type { Saga } from './saga';
import type { Workloads } from './workloads';

export interface FinishContext {
  exp: Experiment;
  rec: RunRecorder;
  stack?: StackHandle;
  project: string;
  /** Set when the run's stack up labelled what it created; teardown then removes only that. */
  owner?: StackOwner;
  saga: Saga;
  probes: ContinuousProbes;
  workloads: Workloads;
}

export async function finishRun(ctx: FinishContext): Promise<void> {
  await restoreFaults(ctx);
  await runRollbacks(ctx);
  await recoverAndCheck(ctx);
  await scanResidue(ctx);
  await collectArtifacts(ctx);
  await tearDown(ctx);
  await writeJournal(ctx);
}

/** Every compensation, newest first (saga rule 2); leases are freed only when all of them worked. */
async function restoreFaults({ rec, saga }: FinishContext): Promise<void> {
  rec.record({ kind: 'phase', phase: 'restoring' });
  await saga.restoreAll();
  rec.record({ kind: 'restores-finished', lastRestoreAt: saga.lastRestoreAt });
  // A fault that could not be restored keeps its lease until its TTL, so no other run faults it meanwhile.
  if (!rec.restoreFailed) await releaseLeases(rec);
}

async function runRollbacks({ exp, rec, stack, project }: FinishContext): Promise<void> {
  if (exp.rollbacks.length === 0 || !stack) return;
  rec.record({ kind: 'phase', phase: 'rollbacks' });
  for (const r of exp.rollbacks) {
    try {
      const all = await quick.resolveTargets({ project, target: r.target });
      const targets = selectTargets(all, r.target.mode, Math.random, describeTarget(r.target));
      await restoring.runRollback.executeWithOptions(summary(`rollback ${r.action}`), [{ action: r.action, targets }]);
      rec.record({ kind: 'rollback-done', action: r.action, targets: targets.map((t) => t.name) });
    } catch (err) {
      rec.record({ kind: 'rollback-failed', action: r.action, error: err });
    }
  }
}

/** Checks stop the workloads once recovery is measured; when checks do not run, they stop here. */
async function recoverAndCheck({ exp, rec, stack, saga, workloads, probes }: FinishContext): Promise<void> {
  // Checks only mean something when the method ran; after an error they would mislead.
  const methodRan = rec.entered('method') && !rec.erred;
  if (methodRan && exp.checks.length > 0) {
    rec.record({ kind: 'phase', phase: 'recovery' });
    const since = saga.lastRestoreAt || Date.now();
    try {
      const checks = await runChecks({ exp, workflowId: rec.workflowId, faults: rec.journal.faults, stack, since, workloads });
      rec.record({ kind: 'checks-evaluated', checks });
    } catch (err) {
      rec.record({ kind: 'checks-not-run', error: err });
    }
  }
  await workloads.stop();
  await probes.stop();
}

/** Saga rule 6: nothing of the run may be left, neither a fault's trace nor a reverter, lease or helper. */
async function scanResidue({ rec, saga }: FinishContext): Promise<void> {
  rec.record({ kind: 'phase', phase: 'residue-scan' });
  const residue: string[] = [];
  for (const r of saga.records()) {
    try {
      const v = await quick.verifyFault.executeWithOptions(summary(`residue scan ${r.faultId}`), [r]);
      residue.push(...v.residue.map((x) => `${r.faultId}: ${x}`));
    } catch (err) {
      residue.push(`${r.faultId}: residue scan failed: ${errorText(err)}`);
    }
  }
  try {
    const v = await quick.scanHelpers.executeWithOptions(summary('residue scan: reverters, leases, helpers'), [{ run: rec.workflowId }]);
    residue.push(...v.residue);
  } catch (err) {
    residue.push(`helper residue scan failed: ${errorText(err)}`);
  }
  rec.record({ kind: 'residue-scanned', residue });
}

async function collectArtifacts({ exp, rec, project }: FinishContext): Promise<void> {
  if (!exp.stack) return;
  rec.record({ kind: 'phase', phase: 'artifacts' });
  try {
    const r = await long.collectLogs.executeWithOptions(summary('collect container logs'), [{ workflowId: rec.workflowId, project }]);
    rec.record({ kind: 'logs-collected', dir: r.dir });
  } catch (err) {
    rec.record({ kind: 'problem', what: 'container logs could not be collected', error: err });
  }
}

/**
 * A stack that will not come down may still hold the run's faults: the run is dirty. An attached
 * stack is never torn down (Faultline did not start it); a shared one loses only what this run added.
 */
async function tearDown({ exp, rec, project, owner }: FinishContext): Promise<void> {
  if (!exp.stack || exp.stack.keep || exp.stack.attach) return;
  rec.record({ kind: 'phase', phase: 'stack-down' });
  try {
    await long.stackDown.executeWithOptions(summary(`stack down ${project}`), [{ project, ...(owner ? { owner } : {}) }]);
  } catch (err) {
    rec.record({ kind: 'teardown-failed', error: err });
  }
}

/** The outcome is fixed before the journal is written; a failed write is noted but changes nothing. */
async function writeJournal({ rec }: FinishContext): Promise<void> {
  rec.close();
  const journal = rec.journal;
  try {
    const r = await quick.writeJournal.executeWithOptions(summary(`journal: ${journal.outcome}`), [{ workflowId: rec.workflowId, journal }]);
    rec.record({ kind: 'journal-written', dir: r.dir });
  } catch (err) {
    rec.record({ kind: 'problem', what: 'journal could not be written', error: err });
  }
  upsertSearchAttributes([{ key: SA_OUTCOME, value: journal.outcome }]);
  rec.record({ kind: 'phase', phase: 'done' });
}
