/**
 * The activities a worker registers: a plain binding table, one line per activity, each delegating
 * to a function that does the work. The safety sequence around a fault (reverter, lease, inject,
 * restore, disarm, re-arm) lives in faults/lifecycle.ts; the objects bound here are built in
 * wiring.ts; `boundary` (boundary.ts) makes every known error leave as an ApplicationFailure typed
 * by its code. Activity names and their input/output shapes are recorded in workflow histories.
 */
import { Context } from '@temporalio/activity';
import type { Journal } from '../report/journal';
import type { Experiment } from '../spec';
import { collectRunLogs } from './artifacts/logs';
import { stopProbers } from './artifacts/series';
import { writeJournalFiles } from './artifacts/write';
import { boundary, withHeartbeat } from './boundary';
import { type CheckVerdict, type HistoryCheckInput, evaluateCheck } from './checks';
import { runProbe } from './probes';
import { proberActivity } from './probes/prober';
import { type SleepInput, sleepFor } from './sleep';
import { pickTargetByProbe } from './probe-target';
import { runRollback } from './rollback';
import { findOrphans } from './safety/janitor';
import { acquireLease, releaseLeases } from './safety/leases';
import { helperResidue } from './safety/helpers';
import { composePolicyOf } from './policy';
import { checkGuardrails } from './guardrails';
import type { CheckGuardrailsInput, GuardrailCheck } from './guardrails/types';
import { attachStack, stackDown, stackUp } from './stack';
import { checkAgainstStack } from './stack/check';
import { resolveTargets } from './targets';
import { type ActivityDeps, wire } from './wiring';
import { stopWorkloads } from './workloads/history';
import type { WorkloadInput, WorkloadSummary } from './workloads/run';
import type {
  ContainerRef,
  FaultRecord,
  InjectResult,
  LeaseInput,
  LeaseResult,
  OrphanRun,
  PickTargetInput,
  PickTargetResult,
  ProbeInput,
  ProberInput,
  ProberProgress,
  ResolveTargetsInput,
  RestoreResult,
  RollbackInput,
  Sample,
  SeriesRead,
  StackDownInput,
  StackHandle,
  StackUpInput,
  StopProbersInput,
  TimeToGreenInput,
  TimeToGreenResult,
  VerifyResult,
} from './types';

export type { ActivityDeps } from './wiring';

export function createActivities(deps: ActivityDeps) {
  const { docker, ops, clock, artifactsRoot } = deps;
  const w = wire(deps);
  const compose = composePolicyOf(deps.policy);
  return {
    validateStack: (exp: Experiment): Promise<{ services: string[] }> => boundary(async () => ({ services: checkAgainstStack(exp, exp.name, compose).services })),
    stackUp: (input: StackUpInput): Promise<StackHandle> => boundary(() => withHeartbeat((progress, signal) => stackUp(docker, input, progress, signal, compose))),
    stackDown: (input: StackDownInput): Promise<{ removed: string[]; left?: string[] }> => boundary(() => withHeartbeat(() => stackDown(docker, input.project, input.owner))),
    attachStack: (input: { project: string }): Promise<StackHandle> => boundary(() => attachStack(docker, input.project)),
    collectLogs: (input: { workflowId: string; project: string }): Promise<{ dir: string; files: string[] }> => boundary(() => collectRunLogs(docker, artifactsRoot, input)),
    writeJournal: (input: { workflowId: string; journal: Journal }): Promise<{ dir: string }> => boundary(() => writeJournalFiles(artifactsRoot, input.workflowId, input.journal)),
    checkGuardrails: (input: CheckGuardrailsInput): Promise<GuardrailCheck> => boundary(() => checkGuardrails(docker, deps.policy.guardrails, input, clock.now())),
    resolveTargets: (input: ResolveTargetsInput): Promise<ContainerRef[]> => boundary(() => resolveTargets(ops, input)),
    pickTargetByProbe: (input: PickTargetInput): Promise<PickTargetResult> => boundary(() => pickTargetByProbe(w.probeDeps, input)),
    injectFault: (rec: FaultRecord): Promise<InjectResult> => boundary(() => withHeartbeat(() => w.lifecycle.inject(rec))),
    restoreFault: (rec: FaultRecord): Promise<RestoreResult> => boundary(() => withHeartbeat(() => w.lifecycle.restore(rec))),
    rearmFault: (rec: FaultRecord): Promise<{ reverters: string[] }> => boundary(() => withHeartbeat(() => w.lifecycle.rearm(rec))),
    acquireLease: (input: LeaseInput): Promise<LeaseResult> => boundary(() => acquireLease(docker, clock, input, w.fanOut)),
    releaseLeases: async (input: { run: string }): Promise<{ released: string[] }> => boundary(async () => ({ released: await releaseLeases(docker, input.run) })),
    scanHelpers: async (input: { run: string }): Promise<VerifyResult> => boundary(async () => ({ residue: await helperResidue(docker, input.run) })),
    findOrphanFaults: (input: { lookbackMs: number }): Promise<OrphanRun[]> => boundary(() => findOrphans(Context.current().client, docker, { lookbackMs: input.lookbackMs, now: clock.now() })),
    verifyFault: (rec: FaultRecord): Promise<VerifyResult> => boundary(() => w.faults.verify(rec)),
    runProbe: (input: ProbeInput): Promise<Sample> => boundary(() => runProbe(w.probeDeps, input)),
    /** One continuous probe for the whole run, on the worker's clock (probes/prober.ts). */
    runProber: (input: ProberInput): Promise<ProberProgress> =>
      boundary(() => proberActivity({ artifactsRoot, clock, sample: (p) => runProbe(w.probeDeps, { probe: p.probe, stack: p.stack }) }, input)),
    stopProbers: (input: StopProbersInput): Promise<{ series: SeriesRead[]; unconfirmed: string[] }> =>
      boundary(() => stopProbers(artifactsRoot, (ms) => clock.sleep(ms), input)),
    /** Short waits and fault windows, timed on the worker's clock (sleep.ts). */
    sleepFor: (input: SleepInput): Promise<{ sleptMs: number }> => boundary(() => sleepFor(clock, input, Context.current().cancellationSignal)),
    timeToGreen: (input: TimeToGreenInput): Promise<TimeToGreenResult> => boundary(() => w.timeToGreen(input)),
    runRollback: (input: RollbackInput): Promise<RestoreResult> => boundary(() => withHeartbeat(() => runRollback(w.driverDeps, input))),
    runWorkload: (input: WorkloadInput): Promise<WorkloadSummary> => boundary(() => w.runWorkload(input)),
    /** No boundary, as before: a stop that is not confirmed is an answer, not an error. */
    stopWorkloads: (input: { workflowId: string; ids: string[]; timeoutMs: number }): Promise<{ unconfirmed: string[] }> => stopWorkloads(artifactsRoot, (ms) => clock.sleep(ms), input),
    evaluateCheck: (input: HistoryCheckInput): Promise<CheckVerdict> => boundary(() => evaluateCheck(artifactsRoot, input, Context.current().cancellationSignal, deps.policy.probes.hostPorts)),
  };
}

export type Activities = ReturnType<typeof createActivities>;
