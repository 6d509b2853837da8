/**
 * The events a run reports to its recorder, and what each says about the outcome. The outcome rules
 * live here and nowhere else: residue (anything the run may have left behind) outranks an error,
 * an error outranks an abort, an abort outranks a failed hypothesis; a run with none passed.
 */
import type { RestoreResult, Sample, SeriesRead } from '../activities/types';
import type { CheckRecord, FaultEntry, Outcome, Phase } from '../report/journal';
import type { StopConditionHit } from './stop-conditions';

export type RunEvent =
  | { kind: 'phase'; phase: Phase }
  | { kind: 'steady-state-sampled'; label: string; sample: Sample }
  | { kind: 'method-probe-sampled'; label: string; sample: Sample }
  /** `index` is the probe's place in the experiment's `continuous` list; ids may repeat. */
  | { kind: 'series-started'; index: number; id: string; probe: string; everyMs: number }
  | { kind: 'series-sampled'; index: number; sample: Sample }
  /** A prober's series as read back from its file once it stopped. */
  | { kind: 'series-read'; series: SeriesRead }
  /** The steady state or a method probe deviated: the hypothesis did not hold. */
  | { kind: 'deviation'; reasons: string[] }
  | { kind: 'workload-started'; id: string; description: string }
  | { kind: 'workload-failed'; id: string; error: unknown }
  /** Stopping a workload went wrong; added to what the workload itself reported. */
  | { kind: 'workload-stop-problem'; id: string; problem: string }
  | { kind: 'workload-stopped'; id: string }
  | { kind: 'fault-requested'; fault: FaultEntry }
  | { kind: 'fault-injected'; faultId: string; injectedAt: number; details: string[] }
  | { kind: 'restore-requested'; faultId: string }
  | { kind: 'restore-done'; faultId: string; result: RestoreResult }
  | { kind: 'restore-failed'; faultId: string; error: unknown }
  /** Every compensation has run; `lastRestoreAt` is 0 when nothing was restored. */
  | { kind: 'restores-finished'; lastRestoreAt: number }
  | { kind: 'rollback-done'; action: string; targets: string[] }
  | { kind: 'rollback-failed'; action: string; error: unknown }
  | { kind: 'checks-evaluated'; checks: CheckRecord[] }
  | { kind: 'checks-not-run'; error: unknown }
  | { kind: 'residue-scanned'; residue: string[] }
  | { kind: 'logs-collected'; dir: string }
  | { kind: 'teardown-failed'; error: unknown }
  | { kind: 'journal-written'; dir: string }
  | { kind: 'control'; action: 'pause' | 'resume' | 'extend'; detail?: string }
  | { kind: 'abort-requested'; reason: string }
  | { kind: 'stop-condition'; hit: StopConditionHit }
  /** The method was cancelled (an abort, a stop condition, a cancel of the workflow). */
  | { kind: 'aborted' }
  /** The experiment could not run: an activity failed past its retries, invalid state, a bug. */
  | { kind: 'error'; error: unknown }
  /** Something went wrong that a reader must see but that does not change the outcome. */
  | { kind: 'problem'; what: string; error: unknown };

/** What one event says about the outcome; most events say nothing. */
export function verdictOf(e: RunEvent): Outcome | undefined {
  switch (e.kind) {
    // Anything the run may have left behind: it must never read as anything else.
    case 'restore-failed':
    case 'rollback-failed':
    case 'teardown-failed':
      return 'dirty';
    case 'residue-scanned':
      return e.residue.length > 0 ? 'dirty' : undefined;
    case 'error':
    case 'checks-not-run':
      return 'error';
    case 'aborted':
      return 'aborted';
    case 'deviation':
      return e.reasons.length > 0 ? 'failed' : undefined;
    case 'checks-evaluated':
      return e.checks.some((c) => !c.passed) ? 'failed' : undefined;
    default:
      return undefined;
  }
}

const RANK: readonly Outcome[] = ['passed', 'failed', 'aborted', 'error', 'dirty'];

export function worstOutcome(outcomes: Iterable<Outcome>): Outcome {
  let worst: Outcome = 'passed';
  for (const o of outcomes) if (RANK.indexOf(o) > RANK.indexOf(worst)) worst = o;
  return worst;
}

export function outcomeOf(events: Iterable<RunEvent>): Outcome {
  return worstOutcome([...events].flatMap((e) => verdictOf(e) ?? []));
}
