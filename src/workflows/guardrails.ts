/**
 * The guardrail checks of a run: once before anything starts (environment, planned fault
 * durations) and again before each inject, with the targets chosen (the worker's config may have
 * changed since the run started). The worker decides, from its operator's policy; the workflow
 * records every verdict in the journal and ends the method with a non-retryable failure on a
 * refusal, before the lease or the inject touches anything.
 */
import { ApplicationFailure, patched, workflowInfo } from '@temporalio/workflow';
import type { GuardrailCheck } from '../activities/guardrails/types';
import { GUARDRAIL_REFUSED } from '../errors';
import type { ContainerRef } from '../activities/types';
import type { Experiment, FaultStep } from '../spec';
import { formatMs } from '../spec/duration';
import { plannedFaultAt, plannedFaults } from '../spec/planned-faults';
import { quick, summary } from './proxies';
import type { RunRecorder } from './recorder';
import type { Saga } from './saga';

export const PATCH_GUARDRAILS_BEFORE_RUN = 'guardrails-before-run';
export const PATCH_GUARDRAILS_BEFORE_INJECT = 'guardrails-before-inject';

function refuse(rec: RunRecorder, check: GuardrailCheck): void {
  rec.record({ kind: 'guardrails-checked', check });
  if (check.allowed) return;
  const text = check.verdicts
    .filter((v) => !v.ok)
    .map((v) => `guardrail ${v.rule}: ${v.detail}`)
    .join('; ');
  const where = check.stepPath ? ` ${check.stepPath}` : '';
  throw ApplicationFailure.nonRetryable(`refused by the worker's guardrails${where}: ${text}`, GUARDRAIL_REFUSED, { check });
}

/** The latest maxFaultDuration the worker reported, per run (keyed by its saga). */
const maxHold = new WeakMap<Saga, number | undefined>();

/** Before the stack comes up. */
export async function guardRun(exp: Experiment, rec: RunRecorder, saga: Saga): Promise<void> {
  if (!patched(PATCH_GUARDRAILS_BEFORE_RUN)) return;
  const check = await quick.checkGuardrails.executeWithOptions(summary('check guardrails (run)'), [
    { stage: 'run', scenario: exp.name, faults: plannedFaults(exp) },
  ]);
  maxHold.set(saga, check.maxFaultDurationMs);
  refuse(rec, check);
}

/**
 * Why an `extend` by `ms` must be refused, or undefined: a fault the run holds would certainly be
 * held longer than the worker's maxFaultDuration (held so far, plus the longest open window, plus
 * the extension). Used by the update's validator, so a refused extend leaves no trace in history.
 */
export function extendRefusal(rec: RunRecorder, saga: Saga, windowsLeftMs: number, ms: number): string | undefined {
  const max = maxHold.get(saga);
  if (max === undefined) return undefined;
  const held = new Set(saga.pending().map((c) => c.record.faultId));
  const now = Date.now();
  for (const f of rec.journal.faults) {
    if (!held.has(f.faultId) || f.injectedAt === undefined) continue;
    const total = now - f.injectedAt + windowsLeftMs + ms;
    if (total > max) return `guardrail max-fault-duration: ${f.stepPath} would be held at least ${formatMs(total)}, more than maxFaultDuration ${formatMs(max)}`;
  }
  return undefined;
}

/** Checks in flight per run, so parallel faults count each other before either is registered. */
const checking = new WeakMap<Saga, number>();

/** Before one fault's lease and inject, with its chosen targets. */
export async function guardInject(exp: Experiment, rec: RunRecorder, saga: Saga, step: FaultStep, path: string, targets: ContainerRef[]): Promise<void> {
  if (!patched(PATCH_GUARDRAILS_BEFORE_INJECT)) return;
  const fault = plannedFaultAt(exp, step, path);
  const held = saga.pending().map((c) => c.record.faultId);
  const others = checking.get(saga) ?? 0;
  checking.set(saga, others + 1);
  try {
    const check = await quick.checkGuardrails.executeWithOptions(summary(`check guardrails: ${fault.stepPath}`), [
      { stage: 'inject', scenario: exp.name, run: workflowInfo().workflowId, fault, targets, activeInRun: held.length + others, heldFaultIds: held },
    ]);
    maxHold.set(saga, check.maxFaultDurationMs);
    refuse(rec, check);
  } finally {
    checking.set(saga, (checking.get(saga) ?? 1) - 1);
  }
}
