/**
 * Runs the method: faults, waits and probes in serial and parallel blocks. Target picks use the
 * workflow's seeded random, so they are recorded in history and replay identically.
 */
import { CancellationScope, patched, workflowInfo } from '@temporalio/workflow';
import type { MethodClock } from './clock';
import type { FaultRecord, StackHandle } from '../activities/types';
import { HOST_TARGET } from '../spec/target';
import type { FaultEntry } from '../report/journal';
import type { Target } from '../spec/target';
import {
  type Experiment,
  type FaultStep,
  type Step,
  describeFault,
  faultTarget,
  probeLabel,
  describeTarget,
  faultTtlMs,
  isFault,
  isParallel,
  isProbe,
  isSerial,
  isWait,
  resolveProbe,
  toMs,
} from '../spec';
import { selectTargets } from '../spec/select';
import { injecting, probing, quick, summary } from './proxies';
import { takeLease } from './lease';
import { guardInject } from './guardrails';
import type { RunRecorder } from './recorder';
import type { Saga } from './saga';

export interface MethodContext {
  exp: Experiment;
  rec: RunRecorder;
  saga: Saga;
  stack?: StackHandle;
  project: string;
  /** Probe failures, reported by the caller once the method has run to its end. */
  deviations: string[];
  /** Waits and fault windows run on it, so pause, resume and extend reach them. */
  clock: MethodClock;
}

export async function runSteps(ctx: MethodContext, steps: Step[], prefix: string): Promise<void> {
  for (let i = 0; i < steps.length; i++) await runStep(ctx, steps[i], `${prefix}[${i}]`);
}

async function runStep(ctx: MethodContext, step: Step, path: string): Promise<void> {
  await ctx.clock.gate();
  if (isSerial(step)) return runSteps(ctx, step.serial, `${path}.serial`);
  if (isParallel(step)) {
    // A failing branch cancels its siblings; their registered restores still run in the restore phase.
    await CancellationScope.cancellable(async () => {
      const scope = CancellationScope.current();
      await Promise.all(
        step.parallel.map((s, i) =>
          runStep(ctx, s, `${path}.parallel[${i}]`).catch((err) => {
            scope.cancel();
            throw err;
          }),
        ),
      );
    });
    return;
  }
  if (isWait(step)) return ctx.clock.wait(toMs(step.wait), `${path} wait`);
  if (isProbe(step)) {
    const probe = resolveProbe(ctx.exp, step.probe);
    const label = probeLabel(step.probe);
    const sample = await probing.runProbe.executeWithOptions(summary(`probe ${label}`), [
      { probe, expect: step.expect, stack: ctx.stack },
    ]);
    ctx.rec.record({ kind: 'method-probe-sampled', label: `${path} ${label}`, sample });
    if (!sample.ok) ctx.deviations.push(`${path}: probe ${label} failed: ${sample.error ?? 'expectation not met'}`);
    return;
  }
  if (isFault(step)) return runFault(ctx, step, path);
}

/** Patch id: an inject runs to completion even when the method is cancelled meanwhile. */
export const PATCH_INJECT_RUNS_TO_COMPLETION = 'inject-runs-to-completion';
/**
 * Patch id: the record carries its TTL, the dead-man deadline counts from the inject, and injects
 * and restores heartbeat with a long start-to-close (many targets; issue 11).
 */
export const PATCH_DEADLINE_FROM_INJECT = 'deadline-from-inject';

async function runFault(ctx: MethodContext, step: FaultStep, path: string): Promise<void> {
  const fault = step.fault;
  const description = describeFault(fault);
  // A host fault (process-kill) has one pseudo-target, the worker's host, and nothing to resolve.
  const declared = faultTarget(fault);
  const { target, chosenBy } = declared ? await concreteTarget(ctx, declared) : { target: undefined, chosenBy: undefined };
  const candidates = target
    ? await quick.resolveTargets.executeWithOptions(summary(`resolve targets: ${description}`), [
        // No stack: by container name or labels across the engine (input unchanged for stacks, so their histories replay).
        { project: ctx.project, target, ...(ctx.exp.stack ? {} : { scope: 'engine' as const }) },
      ])
    : [HOST_TARGET];
  const targets = target ? selectTargets(candidates, target.mode, Math.random, describeTarget(target)) : candidates;
  const faultId = `${workflowInfo().workflowId}/${path}`;
  const ttlMs = faultTtlMs(ctx.exp.method, path, step, ctx.exp.safety.grace);
  // Nothing is leased or injected before the worker's guardrails allow these targets now.
  await guardInject(ctx.exp, ctx.rec, ctx.saga, step, path, targets);
  // The deadline starts when the lease is ours, so time spent waiting for another run is not lost;
  // with the TTL in the record, the inject moves it to its last target's inject plus the TTL.
  const deadlineAt = await takeLease(faultId, targets, ttlMs, ctx.exp.safety.lease);
  const fromInject = patched(PATCH_DEADLINE_FROM_INJECT);
  const record: FaultRecord = { faultId, stepPath: path, kind: fault.kind, spec: fault, targets, deadlineAt, ...(fromInject ? { ttlMs } : {}) };
  const entry: FaultEntry = {
    faultId: record.faultId,
    stepPath: path,
    kind: fault.kind,
    description,
    targets: targets.map((t) => t.name),
    candidates: candidates.map((t) => t.name),
    ...(chosenBy ? { chosenBy } : {}),
    requestedAt: Date.now(),
    restore: 'pending',
  };
  ctx.rec.record({ kind: 'fault-requested', fault: entry });
  const compensation = { record, description };
  ctx.saga.register(compensation); // before the inject is scheduled: saga rule 1
  const names = entry.targets.join(', ');
  const inject = () => (fromInject ? injecting : quick).injectFault.executeWithOptions(summary(`inject ${description} -> ${names}`), [record]);
  // An inject in flight is let finish before anything else happens. Cancelled mid-call (an abort,
  // a stop condition), the call would reject at once while the worker, which a short call does not
  // tell, goes on injecting: the restore could then run before the inject lands, and the journal
  // would lose the inject's time. Runs recorded before this rule still replay it the old way.
  const injected = await ctx.saga.track(
    patched(PATCH_INJECT_RUNS_TO_COMPLETION) ? CancellationScope.nonCancellable(inject) : inject(),
  );
  if (fromInject && injected.deadlineAt !== undefined) record.deadlineAt = injected.deadlineAt;
  ctx.rec.record({ kind: 'fault-injected', faultId, injectedAt: injected.injectedAt, details: injected.details });
  ctx.rec.record({ kind: 'phase', phase: 'fault-injected' });
  if (step.duration !== undefined) {
    ctx.saga.restoreDue(compensation, injected.injectedAt + toMs(step.duration));
    await ctx.clock.wait(toMs(step.duration), `${path} ${description}`, injected.injectedAt);
    await ctx.saga.restoreNow(compensation);
  }
}

/** A target chosen by a probe is picked now, at inject time, and the choice goes into the journal. */
async function concreteTarget(ctx: MethodContext, target: Target): Promise<{ target: Target; chosenBy?: FaultEntry['chosenBy'] }> {
  const choice = target.fromProbe;
  if (choice === undefined) return { target };
  const picked = await quick.pickTargetByProbe.executeWithOptions(summary(`pick target: ${describeTarget(target)}`), [
    { choice, probe: resolveProbe(ctx.exp, choice.probe), mode: target.mode, stack: ctx.stack },
  ]);
  return { target: picked.target, chosenBy: { probe: choice.probe, select: choice.select, value: picked.value, sample: picked.sample } };
}
