/**
 * The `experiment` workflow: the saga at the heart of Faultline. Whatever happens in the method
 * (an abort, a cancel, a failed activity, a worker killed mid-call) the restore phase runs in a
 * non-cancellable scope, then recovery, checks, a residue scan, artifacts and teardown.
 */
import { CancellationScope, isCancellation, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { StackHandle, StackOwner } from '../activities/types';
import type { Journal, ProbeRecord } from '../report/journal';
import { type Experiment, parseExperiment, stackProject } from '../spec';
import { SA_PHASE, SA_SCENARIO } from '../temporal/search-attributes';
import { MethodClock } from './clock';
import { ContinuousProbes } from './continuous';
import { installControls } from './controls';
import { finishRun } from './finish';
import { parseOrFail } from './invalid-input';
import { statusQuery } from './messages';
import { extendRefusal, guardRun } from './guardrails';
import { runSteps } from './method';
import { long, quick, summary } from './proxies';
import { RunRecorder } from './recorder';
import { Saga } from './saga';
import { runSteadyState } from './steady-state';
import { StopConditions } from './stop-conditions';
import { Workloads } from './workloads';

export async function experiment(input: unknown): Promise<Journal> {
  const exp = parseInput(input);
  const info = workflowInfo();
  const project = exp.stack ? stackProject(exp.stack, projectName(info.workflowId)) : projectName(info.workflowId);
  // Decided before anything can be cancelled: a run stopped before its stack up must not tear down
  // a stack it never owned. Runs recorded before stacks had owners go on without (and replay so).
  const owner = exp.stack?.compose !== undefined && patched('stack-owner') ? ownerOf(info) : undefined;
  const rec = new RunRecorder(
    {
      workflowId: info.workflowId,
      runId: info.runId,
      experiment: exp.name,
      hypothesis: exp.hypothesis,
      project: exp.stack ? project : undefined,
      startedAt: Date.now(),
    },
    (phase) => upsertSearchAttributes([{ key: SA_PHASE, value: phase }]),
  );
  const saga = new Saga(rec);
  let stack: StackHandle | undefined;
  /** The latest sample of each continuous probe, for the status query. */
  const last = new Map<string, ProbeRecord>();

  const main = new CancellationScope();
  const clock = new MethodClock();
  const stops = new StopConditions(exp);
  installControls({
    main,
    clock,
    rec,
    shiftDeadlines: (ms) => saga.shiftDeadlines(ms),
    refuseExtend: (ms) => extendRefusal(rec, saga, Math.max(0, ...clock.state().windows.map((w) => w.remainingMs)), ms),
  });
  setHandler(statusQuery, () => {
    const active = new Set(saga.pending().map((c) => c.record.faultId));
    return { ...rec.status(exp.name, active, [...last.values()]), ...clock.state() };
  });
  upsertSearchAttributes([
    { key: SA_SCENARIO, value: exp.name },
    { key: SA_PHASE, value: rec.phase },
  ]);

  const probes = new ContinuousProbes(exp, rec, (r, i, streak) => {
    last.set(r.label, r);
    const hit = stops.observe(i, r.label, r.sample, streak);
    if (hit) {
      rec.record({ kind: 'stop-condition', hit });
      main.cancel();
    }
  });
  const workloads = new Workloads(exp, rec);
  try {
    await main.run(async () => {
      await quick.validateStack.executeWithOptions(summary(`validate targets against ${stackText(exp)}`), [exp]);
      await guardRun(exp, rec, saga);
      if (exp.stack?.attach) {
        // Someone else's stack: found and read, never started, stopped or removed.
        rec.record({ kind: 'phase', phase: 'stack-up' });
        stack = await quick.attachStack.executeWithOptions(summary(`attach to running stack ${project}`), [{ project }]);
      } else if (exp.stack) {
        rec.record({ kind: 'phase', phase: 'stack-up' });
        stack = await long.stackUp.executeWithOptions(summary(`stack up (${exp.stack.profiles.join(', ') || 'all services'})`), [
          { stack: exp.stack, project, ...(owner ? { owner } : {}) },
        ]);
      }
      workloads.start(stack);
      rec.record({ kind: 'phase', phase: 'steady-state' });
      const deviation = await runSteadyState(exp, stack, rec);
      if (deviation) return rec.record({ kind: 'deviation', reasons: [deviation] });
      rec.record({ kind: 'phase', phase: 'method' });
      stops.armed = true;
      probes.start(stack);
      const deviations: string[] = [];
      await runSteps({ exp, rec, saga, stack, project, deviations, clock }, exp.method, 'method');
      rec.record({ kind: 'deviation', reasons: deviations });
    });
  } catch (err) {
    rec.record(isCancellation(err) ? { kind: 'aborted' } : { kind: 'error', error: err });
  }

  stops.armed = false;
  await CancellationScope.nonCancellable(() => finishRun({ exp, rec, stack, project, owner, saga, probes, workloads }));
  return rec.journal;
}

/** The run as the owner of what its stack up creates: the first run id survives retries and continue-as-new. */
export function ownerOf(info: { workflowId: string; firstExecutionRunId: string }): StackOwner {
  return { workflowId: info.workflowId, runId: info.firstExecutionRunId };
}

function stackText(exp: Experiment): string {
  if (exp.stack?.attach) return `attached project ${exp.stack.attach.project}`;
  return exp.stack?.compose ?? 'no stack';
}

function parseInput(input: unknown): Experiment {
  return parseOrFail('experiment', () => parseExperiment(input, 'workflow input'));
}

/** Compose project names must be lower-case and short; derive one from the workflow id. */
export function projectName(workflowId: string): string {
  const slug = workflowId.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return `fl-${slug}`.slice(0, 60).replace(/-+$/, '');
}
