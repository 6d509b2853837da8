/**
 * Each fault step of a method with how long it is planned to be held: its `duration`, else until
 * the restore phase as scheduled. The guardrails' maximum fault duration is judged on this, by the
 * workflow (before the run and before each inject) and by `faultline plan`.
 */
import { toMs } from './duration';
import type { Experiment } from './experiment';
import { schedule } from './safety';
import { type FaultStep, isFault, walkSteps } from './steps';

export interface PlannedFault {
  stepPath: string;
  kind: string;
  /** Planned hold in ms; undefined when unknown. */
  holdMs?: number;
}

export function plannedFaults(exp: Pick<Experiment, 'method'>): PlannedFault[] {
  const { total, starts } = schedule(exp.method);
  const out: PlannedFault[] = [];
  walkSteps(exp.method, (s, path) => {
    if (isFault(s)) out.push(plannedFault(s, path, total - (starts.get(path) ?? 0)));
  });
  return out;
}

export function plannedFault(step: FaultStep, path: string, untilRestoreMs: number): PlannedFault {
  return { stepPath: path, kind: step.fault.kind, holdMs: step.duration !== undefined ? toMs(step.duration) : untilRestoreMs };
}

/** The planned fault of one step path. */
export function plannedFaultAt(exp: Pick<Experiment, 'method'>, step: FaultStep, path: string): PlannedFault {
  const { total, starts } = schedule(exp.method);
  return plannedFault(step, path, total - (starts.get(path) ?? 0));
}
