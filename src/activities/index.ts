/**
 * The activities a worker registers. Every driver gets its ports from `deps` (no module-level
 * clients), and every known error leaves here as an ApplicationFailure whose type is its code, so
 * the workflow's retry policy can tell bad input (never retried) from a flaky Docker call.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type Docker from 'dockerode';
import { FaultlineError, ValidationError } from '../errors';
import type { Journal } from '../report/journal';
import type { Experiment } from '../spec';
import { loadComposeFile, selectServices } from '../spec/compose';
import { runDir, writeJournalFiles } from './artifacts/write';
import { type CheckVerdict, type HistoryCheckInput, evaluateCheck } from './checks';
import { createCloneOps } from './docker/clone-ops';
import { createFaultDrivers, injectFault, restoreFault, verifyFault } from './faults';
import { hostOps } from './host/processes';
import { createNetOps } from './net/ops';
import type { Clock, ContainerOps } from './ports';
import { runProbe, timeToGreen } from './probes';
import { pickTargetByProbe } from './probe-target';
import { runRollback } from './rollback';
import { collectLogs, stackDown, stackUp } from './stack';
import { validateAgainstStack } from './stack/validate';
import { findOrphans } from './safety/janitor';
import { acquireLease, releaseLeases } from './safety/leases';
import { helperResidue } from './safety/helpers';
import { armReverters, disarmReverters } from './safety/reverter';
import { resolveTargets } from './targets';
import { historyFile, requestStop } from './workloads/history';
import { type WorkloadInput, type WorkloadSummary, runWorkload } from './workloads/run';
import type {
  ContainerRef,
  FaultRecord,
  InjectResult,
  LeaseInput,
  LeaseResult,
  OrphanRun,
  RestoreResult,
  Sample,
  StackHandle,
  TimeToGreenResult,
  VerifyResult,
  PickTargetInput,
  PickTargetResult,
  ProbeInput,
  ResolveTargetsInput,
  RollbackInput,
  StackUpInput,
  TimeToGreenInput,
} from './types';

export interface ActivityDeps {
  docker: Docker;
  ops: ContainerOps;
  clock: Clock;
  /** Folder that holds artifacts/<workflowId>/. */
  artifactsRoot: string;
}

export function createActivities(deps: ActivityDeps) {
  const { docker, ops, clock } = deps;
  const driverDeps = { ops, clock, net: createNetOps(docker), clones: createCloneOps(docker) };
  const drivers = createFaultDrivers({ ...driverDeps, host: hostOps });
  return {
    async validateStack(exp: Experiment): Promise<{ services: string[] }> {
      return boundary(async () => {
        if (!exp.stack) {
          const problems = validateAgainstStack(exp, undefined);
          if (problems.length > 0) throw new ValidationError(exp.name, problems);
          return { services: [] };
        }
        const model = loadComposeFile(exp.stack.compose);
        const services = Object.keys(selectServices(model, exp.stack.profiles));
        const problems = validateAgainstStack(exp, model, exp.stack.profiles);
        if (problems.length > 0) throw new ValidationError(exp.name, problems);
        return { services };
      });
    },
    async stackUp(input: StackUpInput): Promise<StackHandle> {
      return boundary(() => withHeartbeat((progress, signal) => stackUp(docker, input, progress, signal)));
    },
    async stackDown(input: { project: string }): Promise<{ removed: string[] }> {
      return boundary(() => withHeartbeat(() => stackDown(docker, input.project)));
    },
    async collectLogs(input: { workflowId: string; project: string }): Promise<{ dir: string; files: string[] }> {
      return boundary(async () => {
        const dir = runDir(deps.artifactsRoot, input.workflowId);
        await mkdir(join(dir, 'logs'), { recursive: true });
        const files = await collectLogs(docker, input.project, join(dir, 'logs'));
        return { dir, files };
      });
    },
    async writeJournal(input: { workflowId: string; journal: Journal }): Promise<{ dir: string }> {
      return boundary(() => writeJournalFiles(deps.artifactsRoot, input.workflowId, input.journal));
    },
    async resolveTargets(input: ResolveTargetsInput): Promise<ContainerRef[]> {
      return boundary(() => resolveTargets(ops, input));
    },
    async pickTargetByProbe(input: PickTargetInput): Promise<PickTargetResult> {
      return boundary(() => pickTargetByProbe(driverDeps, input));
    },
    async injectFault(rec: FaultRecord): Promise<InjectResult> {
      return boundary(async () => {
        // The dead-man switch is armed before the target is touched, so no instant of the fault is uncovered.
        const reverters = await armReverters(docker, rec, drivers);
        const r = await injectFault(drivers, rec);
        return reverters.length > 0 ? { ...r, details: [...r.details, `dead-man switch armed until ${new Date(rec.deadlineAt ?? 0).toISOString()}`] } : r;
      });
    },
    async restoreFault(rec: FaultRecord): Promise<RestoreResult> {
      return boundary(() =>
        withHeartbeat(async () => {
          const r = await restoreFault(drivers, rec);
          // Only after every target is restored: a failed restore keeps its reverter as the safety net.
          const fired = (await disarmReverters(docker, rec.faultId)).filter((d) => d.fired);
          for (const d of fired) {
            const o = r.outcomes.find((x) => x.container === d.target);
            const note = `dead-man switch had fired (exit ${d.exitCode ?? '?'})`;
            if (o) o.detail = o.detail ? `${o.detail}; ${note}` : note;
          }
          return r;
        }),
      );
    },
    /** For a run that is extended: moves the fault's dead-man switch and leases to `rec.deadlineAt`. */
    async rearmFault(rec: FaultRecord): Promise<{ reverters: string[] }> {
      return boundary(async () => {
        const run = rec.faultId.slice(0, rec.faultId.lastIndexOf('/'));
        await acquireLease(docker, clock, { run, faultId: rec.faultId, targets: rec.targets, expiresAt: rec.deadlineAt ?? clock.now() });
        return { reverters: await armReverters(docker, rec, drivers) };
      });
    },
    async acquireLease(input: LeaseInput): Promise<LeaseResult> {
      return boundary(() => acquireLease(docker, clock, input));
    },
    async releaseLeases(input: { run: string }): Promise<{ released: string[] }> {
      return boundary(async () => ({ released: await releaseLeases(docker, input.run) }));
    },
    async scanHelpers(input: { run: string }): Promise<VerifyResult> {
      return boundary(async () => ({ residue: await helperResidue(docker, input.run) }));
    },
    async findOrphanFaults(input: { lookbackMs: number }): Promise<OrphanRun[]> {
      return boundary(() => findOrphans(Context.current().client, docker, { lookbackMs: input.lookbackMs, now: clock.now() }));
    },
    async verifyFault(rec: FaultRecord): Promise<VerifyResult> {
      return boundary(() => verifyFault(drivers, rec));
    },
    async runProbe(input: ProbeInput): Promise<Sample> {
      return boundary(() => runProbe(driverDeps, input));
    },
    async timeToGreen(input: TimeToGreenInput): Promise<TimeToGreenResult> {
      return boundary(() =>
        withHeartbeat((progress, signal) =>
          timeToGreen(driverDeps, input, { onProgress: (attempts: number, streak: number) => progress(`attempt ${attempts}, streak ${streak}`), signal }),
        ),
      );
    },
    async runRollback(input: RollbackInput): Promise<RestoreResult> {
      return boundary(() => withHeartbeat(() => runRollback(driverDeps, input)));
    },
    /** Runs until cancelled; a retry after a dead worker appends to the same history file. */
    async runWorkload(input: WorkloadInput): Promise<WorkloadSummary> {
      const attempt = Context.current().info.attempt;
      return boundary(() =>
        withHeartbeat((progress, signal) =>
          runWorkload(input, {
            artifactsRoot: deps.artifactsRoot,
            clock,
            attempt,
            signal,
            onProgress: (s) => progress(`${s.invoked} invoked, ${s.ok} ok, ${s.failed} failed, ${s.unknown} unknown`),
          }),
        ),
      );
    },
    /** Asks each workload to stop and waits until its history is finished. Returns the ids that did not confirm. */
    async stopWorkloads(input: { workflowId: string; ids: string[]; timeoutMs: number }): Promise<{ unconfirmed: string[] }> {
      const confirmed = await Promise.all(
        input.ids.map((id) => requestStop(historyFile(deps.artifactsRoot, input.workflowId, id), input.timeoutMs, (ms) => clock.sleep(ms))),
      );
      return { unconfirmed: input.ids.filter((_, i) => !confirmed[i]) };
    },
    async evaluateCheck(input: HistoryCheckInput): Promise<CheckVerdict> {
      return boundary(() => evaluateCheck(deps.artifactsRoot, input, Context.current().cancellationSignal));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * Heartbeats every second while `fn` runs, so a dead worker is noticed within the heartbeat
 * timeout, and hands `fn` the activity's cancellation signal.
 */
async function withHeartbeat<T>(fn: (progress: (msg: string) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  let last = 'started';
  ctx.heartbeat(last);
  const timer = setInterval(() => ctx.heartbeat(last), 1000);
  try {
    return await fn((msg) => {
      last = msg;
    }, ctx.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}

/** Known errors cross into the workflow as ApplicationFailures typed by their code. */
async function boundary<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof FaultlineError) {
      const details = [{ code: err.code, context: err.context, hint: err.hint }];
      const message = err.hint ? `${err.message} (hint: ${err.hint})` : err.message;
      throw err.retryable
        ? ApplicationFailure.retryable(message, err.code, ...details)
        : ApplicationFailure.nonRetryable(message, err.code, ...details);
    }
    throw err;
  }
}
