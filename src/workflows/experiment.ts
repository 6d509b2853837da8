/**
 * The `experiment` workflow: the saga at the heart of Faultline. Whatever happens in the method
 * (an abort, a cancel, a failed activity, a worker killed mid-call) the restore phase runs in a
 * non-cancellable scope, then recovery, checks, a residue scan, artifacts and teardown.
 */
import { CancellationScope, isCancellation, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { StackHandle } from '../activities/types';
import type { Journal, ProbeRecord } from '../report/journal';
import { type Experiment, parseExperiment } from '../spec';
import { SA_PHASE, SA_SCENARIO } from '../temporal/search-attributes';
import { MethodClock } from './clock';
import { ContinuousProbes } from './continuous';
import { installControls } from './controls';
import { finishRun } from './finish';
import { parseOrFail } from './invalid-input';
import { statusQuery } from './messages';
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
  const project = exp.stack?.project ?? projectName(info.workflowId);
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
  installControls({ main, clock, rec, shiftDeadlines: (ms) => saga.shiftDeadlines(ms) });
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
      await quick.validateStack.executeWithOptions(summary(`validate targets against ${exp.stack?.compose ?? 'no stack'}`), [exp]);
      if (exp.stack) {
        rec.record({ kind: 'phase', phase: 'stack-up' });
        stack = await long.stackUp.executeWithOptions(summary(`stack up (${exp.stack.profiles.join(', ') || 'all services'})`), [
          { stack: exp.stack, project },
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
  await CancellationScope.nonCancellable(() => finishRun({ exp, rec, stack, project, saga, probes, workloads }));
  return rec.journal;
}

function parseInput(input: unknown): Experiment {
  return parseOrFail('experiment', () => parseExperiment(input, 'workflow input'));
}

/** Compose project names must be lower-case and short; derive one from the workflow id. */
export function projectName(workflowId: string): string {
  const slug = workflowId.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return `fl-${slug}`.slice(0, 60).replace(/-+$/, '');
}
