/**
 * The run recorder: the one owner of a run's journal. Workflow code reports what happened as typed
 * events (run-events.ts); the recorder writes each into the journal and derives the outcome from
 * them by the rules there, so no verdict flag is flipped anywhere else.
 * Other workflow files read the journal; only this file writes it.
 */
import type { RestoreResult } from '../activities/types';
import { type ExperimentStatus, type FaultEntry, type Journal, type Outcome, type Phase, type ProbeRecord, type SeriesRecord, emptyJournal } from '../report/journal';
import { errorText } from '../errors';
import { type RunEvent, verdictOf, worstOutcome } from './run-events';
import { restoreBound } from './stop-conditions';

type JournalHead = Pick<Journal, 'workflowId' | 'runId' | 'experiment' | 'hypothesis' | 'startedAt'> & { project?: string };

export class RunRecorder {
  readonly journal: Journal;
  private current: Phase = 'validating';
  private readonly verdicts = new Set<Outcome>();
  /** Restore failures are listed after the restore phase, behind the stop-condition bound. */
  private readonly restoreFailures: string[] = [];
  private abortReason?: string;
  private readonly series = new Map<number, SeriesRecord>();

  /** `onPhase` publishes a phase change (a search attribute); the first phase is published by the caller. */
  constructor(
    head: JournalHead,
    private readonly onPhase: (p: Phase) => void = () => undefined,
  ) {
    this.journal = emptyJournal({ ...head, outcome: 'passed' });
    this.journal.phases.push({ phase: this.current, at: Date.now() });
  }

  get phase(): Phase {
    return this.current;
  }

  get workflowId(): string {
    return this.journal.workflowId;
  }

  /** The outcome the events so far add up to. */
  get outcome(): Outcome {
    return worstOutcome(this.verdicts);
  }

  get erred(): boolean {
    return this.verdicts.has('error');
  }

  get restoreFailed(): boolean {
    return this.restoreFailures.length > 0;
  }

  get abortRequested(): string | undefined {
    return this.abortReason;
  }

  entered(p: Phase): boolean {
    return this.journal.phases.some((x) => x.phase === p);
  }

  record(e: RunEvent): void {
    const v = verdictOf(e);
    if (v) this.verdicts.add(v);
    this.apply(e);
  }

  /** Fixes the outcome and the end time; what is recorded after (the journal write) cannot change it. */
  close(): void {
    this.journal.outcome = this.outcome;
    this.journal.finishedAt = Date.now();
  }

  /** The journal's part of the `status` query. */
  status(experiment: string, active: Set<string>, lastProbes: ProbeRecord[]): ExperimentStatus {
    const j = this.journal;
    return {
      experiment,
      phase: this.current,
      activeFaults: j.faults
        .filter((f) => active.has(f.faultId) && f.injectedAt !== undefined)
        .map((f) => ({ faultId: f.faultId, description: f.description, targets: f.targets })),
      lastProbes,
      faults: j.faults,
      abortRequested: this.abortReason,
      outcome: this.current === 'done' ? j.outcome : undefined,
    };
  }

  private apply(e: RunEvent): void {
    const j = this.journal;
    const reason = (text: string) => j.reasons.push(text);
    switch (e.kind) {
      case 'phase':
        if (e.phase === this.current) return;
        this.current = e.phase;
        j.phases.push({ phase: e.phase, at: Date.now() });
        return this.onPhase(e.phase);
      case 'steady-state-sampled':
        return void j.steadyState.push({ label: e.label, sample: e.sample });
      case 'method-probe-sampled':
        return void j.methodProbes.push({ label: e.label, sample: e.sample });
      case 'series-started': {
        const series: SeriesRecord = { id: e.id, probe: e.probe, everyMs: e.everyMs, samples: [] };
        this.series.set(e.index, series);
        return void j.continuous.push(series);
      }
      case 'series-sampled':
        return void this.series.get(e.index)?.samples.push(e.sample);
      case 'series-read': {
        const series = this.series.get(e.series.index);
        if (!series) return;
        const { samples, file, total, failed, elided, gaps } = e.series;
        return void Object.assign(series, { samples, file, total, failed, elided, gaps });
      }
      case 'deviation':
        return void j.reasons.push(...e.reasons);
      case 'workload-started':
        return void j.workloads.push({ id: e.id, description: e.description, startedAt: Date.now() });
      case 'workload-failed':
        return void this.workload(e.id, (w) => (w.error = errorText(e.error)));
      case 'workload-stop-problem':
        return void this.workload(e.id, (w) => (w.error = w.error ? `${w.error}; ${e.problem}` : e.problem));
      case 'workload-stopped':
        return void this.workload(e.id, (w) => (w.stoppedAt = Date.now()));
      case 'fault-requested':
        return void j.faults.push(e.fault);
      case 'fault-injected':
        return void this.fault(e.faultId, (f) => Object.assign(f, { injectedAt: e.injectedAt, injectDetails: e.details }));
      case 'restore-requested':
        // The fault certainly held until now: a restore may bring the target back before it returns.
        return void this.fault(e.faultId, (f) => (f.restoreRequestedAt ??= Date.now()));
      case 'restore-done':
        return void this.fault(e.faultId, (f) => restored(f, e.result));
      case 'restore-failed':
        return void this.fault(e.faultId, (f) => {
          f.restore = 'failed';
          f.error = errorText(e.error);
          this.restoreFailures.push(`restore of ${e.faultId} failed: ${f.error}`);
        });
      case 'restores-finished':
        return this.restoresFinished(e.lastRestoreAt);
      case 'rollback-done':
        return void j.rollbacks.push({ action: e.action, targets: e.targets, ok: true });
      case 'rollback-failed':
        j.rollbacks.push({ action: e.action, targets: [], ok: false, error: errorText(e.error) });
        return void reason(`rollback ${e.action} failed: ${errorText(e.error)}`);
      case 'checks-evaluated':
        j.checks = e.checks;
        return void j.reasons.push(...e.checks.filter((c) => !c.passed).map((c) => `check ${c.id} failed: ${c.detail}`));
      case 'checks-not-run':
        return void reason(`checks could not run: ${errorText(e.error)}`);
      case 'residue-scanned':
        j.residue.push(...e.residue);
        if (j.residue.length > 0) reason(`residue left behind: ${j.residue.join('; ')}`);
        return;
      case 'logs-collected':
      case 'journal-written':
        j.artifactsDir = e.dir;
        return;
      case 'teardown-failed':
        return void reason(`stack teardown failed: ${errorText(e.error)}`);
      case 'control':
        return void (j.controls ??= []).push({ at: Date.now(), action: e.action, detail: e.detail });
      case 'abort-requested':
        this.abortReason ??= e.reason;
        return;
      case 'stop-condition':
        j.stopCondition = e.hit;
        this.abortReason ??= e.hit.detail;
        return;
      case 'aborted':
        return void reason(`aborted: ${this.abortReason ?? 'workflow cancelled'}`);
      case 'error':
        return void reason(`error: ${errorText(e.error)}`);
      case 'problem':
        return void reason(`${e.what}: ${errorText(e.error)}`);
    }
  }

  private restoresFinished(lastRestoreAt: number): void {
    const hit = this.journal.stopCondition;
    if (hit && lastRestoreAt) {
      const bound = restoreBound(hit, lastRestoreAt);
      hit.restoredAt = lastRestoreAt;
      hit.withinBound = bound.withinBound;
      if (bound.late) this.journal.reasons.push(bound.late);
    }
    this.journal.reasons.push(...this.restoreFailures);
  }

  private fault(faultId: string, change: (f: FaultEntry) => void): void {
    const f = this.journal.faults.find((x) => x.faultId === faultId);
    if (f) change(f);
  }

  private workload(id: string, change: (w: Journal['workloads'][number]) => void): void {
    const w = this.journal.workloads.find((x) => x.id === id);
    if (w) change(w);
  }
}

/** A restore that changed something reads `restored`; one that found every target gone, `gone`. */
function restored(f: FaultEntry, r: RestoreResult): void {
  f.restore = r.outcomes.some((o) => o.outcome === 'restored') ? 'restored' : r.outcomes.every((o) => o.outcome === 'gone') ? 'gone' : 'already-clean';
  f.restoredAt = r.restoredAt;
  f.restoreDetails = r.outcomes.map((o) => `${o.container}: ${o.outcome}${o.detail ? ` (${o.detail})` : ''}`);
}
