/**
 * Everything after the restores, in order: user rollbacks, recovery and checks, the residue scan,
 * artifacts and teardown. Runs inside the workflow's non-cancellable scope; each step records its
 * failure and lets the next one run, because a half-finished cleanup is worse than a noisy one.
 */
import type { StackHandle } from '../activities/types';
import type { CheckRecord, Journal, Phase, Verdicts } from '../report/journal';
import { type Experiment, describeTarget } from '../spec';
import { selectTargets } from '../spec/select';
import { long, quick, restoring, summary } from './activities';
import type { ContinuousProbes } from './continuous';
import type { CheckContext } from './recovery';
import type { Workloads } from './workloads';
import { type Saga } from './saga';
import { errorText } from '../errors';

export interface FinishContext {
  exp: Experiment;
  journal: Journal;
  stack?: StackHandle;
  project: string;
  saga: Saga;
  verdicts: Verdicts;
  probes: ContinuousProbes;
  setPhase: (p: Phase) => void;
  workloads: Workloads;
  runChecks: (ctx: CheckContext) => Promise<CheckRecord[]>;
}

export async function finishRun(ctx: FinishContext): Promise<void> {
  const { exp, journal, verdicts } = ctx;
  const note = (what: string, err: unknown) => journal.reasons.push(`${what}: ${errorText(err)}`);

  if (exp.rollbacks.length > 0 && ctx.stack) {
    ctx.setPhase('rollbacks');
    for (const r of exp.rollbacks) {
      try {
        const all = await quick.resolveTargets({ project: ctx.project, target: r.target });
        const targets = selectTargets(all, r.target.mode, Math.random, describeTarget(r.target));
        await restoring.runRollback.executeWithOptions(summary(`rollback ${r.action}`), [{ action: r.action, targets }]);
        journal.rollbacks.push({ action: r.action, targets: targets.map((t) => t.name), ok: true });
      } catch (err) {
        journal.rollbacks.push({ action: r.action, targets: [], ok: false, error: errorText(err) });
        verdicts.dirty = true;
        note(`rollback ${r.action} failed`, err);
      }
    }
  }

  // Checks only mean something when the method ran; after an error or abort they would mislead.
  const methodRan = journal.phases.some((p) => p.phase === 'method') && !verdicts.error;
  if (methodRan && exp.checks.length > 0) {
    ctx.setPhase('recovery');
    const since = ctx.saga.lastRestoreAt || Date.now();
    try {
      journal.checks = await ctx.runChecks({ exp, journal, stack: ctx.stack, since, workloads: ctx.workloads });
      const failed = journal.checks.filter((c) => !c.passed);
      if (failed.length > 0) {
        verdicts.failed = true;
        journal.reasons.push(...failed.map((c) => `check ${c.id} failed: ${c.detail}`));
      }
    } catch (err) {
      verdicts.error = true;
      note('checks could not run', err);
    }
  }
  // Checks stop the workloads once recovery is measured; when checks did not run, stop them here.
  await ctx.workloads.stop();
  await ctx.probes.stop();
  journal.continuous = ctx.probes.series;

  ctx.setPhase('residue-scan');
  for (const rec of ctx.saga.records()) {
    try {
      const v = await quick.verifyFault.executeWithOptions(summary(`residue scan ${rec.faultId}`), [rec]);
      journal.residue.push(...v.residue.map((r) => `${rec.faultId}: ${r}`));
    } catch (err) {
      journal.residue.push(`${rec.faultId}: residue scan failed: ${errorText(err)}`);
    }
  }
  try {
    const v = await quick.scanHelpers.executeWithOptions(summary('residue scan: reverters, leases, helpers'), [{ run: journal.workflowId }]);
    journal.residue.push(...v.residue);
  } catch (err) {
    journal.residue.push(`helper residue scan failed: ${errorText(err)}`);
  }
  if (journal.residue.length > 0) {
    verdicts.dirty = true;
    journal.reasons.push(`residue left behind: ${journal.residue.join('; ')}`);
  }

  if (exp.stack) {
    ctx.setPhase('artifacts');
    try {
      const r = await long.collectLogs.executeWithOptions(summary('collect container logs'), [{ workflowId: journal.workflowId, project: ctx.project }]);
      journal.artifactsDir = r.dir;
    } catch (err) {
      note('container logs could not be collected', err);
    }
    if (!exp.stack.keep) {
      ctx.setPhase('stack-down');
      try {
        await long.stackDown.executeWithOptions(summary(`stack down ${ctx.project}`), [{ project: ctx.project }]);
      } catch (err) {
        verdicts.dirty = true;
        note('stack teardown failed', err);
      }
    }
  }
}
