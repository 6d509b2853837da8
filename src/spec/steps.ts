/**
 * The method: faults, waits and one-off probes, composed in serial and parallel blocks. A fault
 * with a `duration` is restored when it ends; one without stays until the restore phase.
 */
import { z } from 'zod';
import { Duration, Timeout } from './duration';
import { FaultSpec } from './faults';
import { Expectation } from './expect';
import { ProbeRef } from './probes';
import { Target } from './target';
import { kebabId } from './ids';

export const STEP_KEYS = ['fault', 'wait', 'probe', 'serial', 'parallel'] as const;

const StepId = kebabId('step ids').optional();

export const FaultStep = z
  .object({
    id: StepId,
    fault: FaultSpec,
    duration: Duration.optional(),
    /** How long the fault may live before it reverts itself at the target; see spec/safety.ts for the default. */
    ttl: Timeout.optional(),
  })
  .strict();
export const WaitStep = z.object({ id: StepId, wait: Duration }).strict();
export const ProbeStep = z.object({ id: StepId, probe: ProbeRef, expect: Expectation.optional() }).strict();

export type FaultStep = z.infer<typeof FaultStep>;
export type WaitStep = z.infer<typeof WaitStep>;
export type ProbeStep = z.infer<typeof ProbeStep>;
export type SerialStep = { id?: string; serial: Step[] };
export type ParallelStep = { id?: string; parallel: Step[] };
export type Step = FaultStep | WaitStep | ProbeStep | SerialStep | ParallelStep;

export const Step: z.ZodType<Step> = z.lazy(() =>
  z.union([
    FaultStep,
    WaitStep,
    ProbeStep,
    z.object({ id: StepId, serial: z.array(Step).min(1) }).strict(),
    z.object({ id: StepId, parallel: z.array(Step).min(1) }).strict(),
  ]),
);

/** User rollbacks run after the automatic restores, whatever happened. */
export const ROLLBACK_ACTIONS = ['container-start', 'container-unpause', 'container-restart'] as const;
export const Rollback = z.object({ action: z.enum(ROLLBACK_ACTIONS), target: Target }).strict();
export type Rollback = z.infer<typeof Rollback>;

export function isFault(s: Step): s is FaultStep {
  return 'fault' in s;
}
export function isWait(s: Step): s is WaitStep {
  return 'wait' in s;
}
export function isProbe(s: Step): s is ProbeStep {
  return 'probe' in s;
}
export function isSerial(s: Step): s is SerialStep {
  return 'serial' in s;
}
export function isParallel(s: Step): s is ParallelStep {
  return 'parallel' in s;
}

/** Visits every step with its path (`method[1].parallel[0]`), depth first. */
export function walkSteps(steps: Step[], visit: (s: Step, path: string) => void, prefix = 'method'): void {
  steps.forEach((s, i) => {
    const path = `${prefix}[${i}]`;
    visit(s, path);
    if (isSerial(s)) walkSteps(s.serial, visit, `${path}.serial`);
    if (isParallel(s)) walkSteps(s.parallel, visit, `${path}.parallel`);
  });
}
