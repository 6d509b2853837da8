/**
 * The `experiment` workflow: the saga at the heart of Faultline. Whatever happens in the method
 * (an abort, a cancel, a failed activity, a worker killed mid-call) the restore phase runs in a
 * non-cancellable scope, then recovery, checks, a residue scan, artifacts and teardown.
 */
import {
  CancellationScope,
  isCancellation,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { MethodClock } from './clock';
import { installControls } from './controls';
import { StopConditions, checkRestoreBound } from './stop-conditions';
import { parseOrFail } from './invalid-input';
import type { StackHandle } from '../activities/types';
import { type ExperimentStatus, type Journal, type Phase, type ProbeRecord, decideOutcome, emptyJournal } from '../report/journal';
import { type Experiment, parseExperiment } from '../spec';
import { SA_OUTCOME, SA_PHASE, SA_SCENARIO } from '../temporal/search-attributes';
import { long, quick, summary } from './activities';
import { ContinuousProbes } from './continuous';
import { runSteps } from './method';
import { runChecks } from './recovery';
import { Saga } from './saga';
import { errorText } from '../errors';
import { runSteadyState } from './steady-state';
import { finishRun } from './finish';
import { statusQuery } from './messages';
import { releaseLeases } from './lease';
import { Workloads } from './workloads';


export async function experiment(input: unknown): Promise<Journal> {
  const exp = parseInput(input);
  const info = workflowInfo();
  const project = exp.stack?.project ?? projectName(info.workflowId);
  const journal = newJournal(exp, project);
  const saga = new Saga();
  const verdicts = { dirty: false, error: false, aborted: false, failed: false };
  let phase: Phase = 'validating';
  let abortReason: string | undefined;
  let stack: StackHandle | undefined;
  /** The latest sample of each continuous probe, for the status query. */
  const last = new Map<string, ProbeRecord>();

  const setPhase = (p: Phase) => {
    if (p === phase) return;
    phase = p;
    journal.phases.push({ phase: p, at: Date.now() });
    upsertSearchAttributes([{ key: SA_PHASE, value: p }]);
  };
  const main = new CancellationScope();
  const clock = new MethodClock();
  const stops = new StopConditions(exp);
  installControls({
    main,
    clock,
    journal,
    phase: () => phase,
    onAbort: (r) => (abortReason ??= r),
    shiftDeadlines: (ms) => saga.shiftDeadlines(ms),
  });
  setHandler(statusQuery, () => ({ ...status(exp, phase, journal, saga, [...last.values()], abortReason), ...clock.state() }));
  upsertSearchAttributes([
    { key: SA_SCENARIO, value: exp.name },
    { key: SA_PHASE, value: phase },
  ]);
  journal.phases.push({ phase, at: Date.now() });

  const probes = new ContinuousProbes(exp, (r, i) => {
    last.set(r.label, r);
    const hit = stops.observe(i, r.label, r.sample);
    if (hit) {
      journal.stopCondition = hit;
      abortReason ??= hit.detail;
      main.cancel();
    }
  });
  const workloads = new Workloads(exp, journal);
  try {
    await main.run(async () => {
      await quick.validateStack.executeWithOptions(summary(`validate targets against ${exp.stack?.compose ?? 'no stack'}`), [exp]);
      if (exp.stack) {
        setPhase('stack-up');
        stack = await long.stackUp.executeWithOptions(summary(`stack up (${exp.stack.profiles.join(', ') || 'all services'})`), [
          { stack: exp.stack, project },
        ]);
      }
      workloads.start(stack);
      setPhase('steady-state');
      const deviation = await runSteadyState(exp, stack, journal);
      if (deviation) {
        verdicts.failed = true;
        journal.reasons.push(deviation);
        return;
      }
      setPhase('method');
      stops.armed = true;
      probes.start(stack);
      const deviations: string[] = [];
      await runSteps({ exp, journal, saga, stack, project, deviations, clock, onPhase: setPhase }, exp.method, 'method');
      if (deviations.length > 0) {
        verdicts.failed = true;
        journal.reasons.push(...deviations);
      }
    });
  } catch (err) {
    if (isCancellation(err)) {
      verdicts.aborted = true;
      journal.reasons.push(`aborted: ${abortReason ?? 'workflow cancelled'}`);
    } else {
      verdicts.error = true;
      journal.reasons.push(`error: ${errorText(err)}`);
    }
  }

  stops.armed = false;
  await CancellationScope.nonCancellable(async () => {
    setPhase('restoring');
    await saga.restoreAll();
    const late = journal.stopCondition && checkRestoreBound(journal.stopCondition, saga.lastRestoreAt);
    if (late) journal.reasons.push(late);
    if (saga.failures.length > 0) {
      verdicts.dirty = true;
      journal.reasons.push(...saga.failures);
    } else {
      // A fault that could not be restored keeps its lease until its TTL, so no other run faults it meanwhile.
      await releaseLeases(journal);
    }
    await finishRun({ exp, journal, stack, project, saga, verdicts, probes, workloads, setPhase, runChecks });
    journal.outcome = decideOutcome(verdicts);
    journal.finishedAt = Date.now();
    try {
      const r = await quick.writeJournal.executeWithOptions(summary(`journal: ${journal.outcome}`), [{ workflowId: info.workflowId, journal }]);
      journal.artifactsDir = r.dir;
    } catch (err) {
      journal.reasons.push(`journal could not be written: ${errorText(err)}`);
    }
    upsertSearchAttributes([{ key: SA_OUTCOME, value: journal.outcome }]);
    setPhase('done');
  });
  return journal;
}

function parseInput(input: unknown): Experiment {
  return parseOrFail('experiment', () => parseExperiment(input, 'workflow input'));
}

/** Compose project names must be lower-case and short; derive one from the workflow id. */
export function projectName(workflowId: string): string {
  const slug = workflowId.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return `fl-${slug}`.slice(0, 60).replace(/-+$/, '');
}

function newJournal(exp: Experiment, project: string): Journal {
  const info = workflowInfo();
  return emptyJournal({
    workflowId: info.workflowId,
    runId: info.runId,
    experiment: exp.name,
    hypothesis: exp.hypothesis,
    project: exp.stack ? project : undefined,
    startedAt: Date.now(),
    outcome: 'passed',
  });
}

function status(exp: Experiment, phase: Phase, journal: Journal, saga: Saga, lastProbes: ProbeRecord[], abortReason?: string): ExperimentStatus {
  const active = new Set(saga.pending().map((c) => c.record.faultId));
  return {
    experiment: exp.name,
    phase,
    activeFaults: journal.faults
      .filter((f) => active.has(f.faultId) && f.injectedAt !== undefined)
      .map((f) => ({ faultId: f.faultId, description: f.description, targets: f.targets })),
    lastProbes,
    faults: journal.faults,
    abortRequested: abortReason,
    outcome: phase === 'done' ? journal.outcome : undefined,
  };
}
