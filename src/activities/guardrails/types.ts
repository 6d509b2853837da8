/**
 * What crosses the workflow/activity boundary for a guardrail check, and what the journal keeps of
 * it. Types only: workflows and the journal import this file.
 */
import type { PlannedFault } from '../../spec/planned-faults';
import type { ContainerRef } from '../types';

export const GUARDRAIL_RULES = [
  'environment',
  'max-fault-duration',
  'built-in-deny',
  'denylist',
  'allowlist',
  'chaos-enabled',
  'max-containers-per-fault',
  'max-service-percent',
  'max-concurrent-faults-per-run',
  'max-concurrent-faults',
] as const;
export type GuardrailRule = (typeof GUARDRAIL_RULES)[number];

/** One rule's answer. `refused` lists the targets it refused, when it judges targets. */
export interface GuardrailVerdict {
  rule: GuardrailRule;
  ok: boolean;
  detail: string;
  refused?: string[];
}

/** One check: before the run (stage `run`) or before one fault's inject (stage `inject`). */
export interface GuardrailCheck {
  stage: 'run' | 'inject';
  /** The fault's step path, for stage `inject`. */
  stepPath?: string;
  at: number;
  allowed: boolean;
  verdicts: GuardrailVerdict[];
  /** The worker's maxFaultDuration at the time, so the workflow can refuse an `extend` past it. */
  maxFaultDurationMs?: number;
}

/** A fault as the checks see it: its step and how long it is planned to be held. */
export type { PlannedFault } from '../../spec/planned-faults';

export type CheckGuardrailsInput =
  | { stage: 'run'; scenario: string; faults: PlannedFault[] }
  | {
      stage: 'inject';
      scenario: string;
      run: string;
      fault: PlannedFault;
      /** The selected targets (the host pseudo-target for host faults). */
      targets: ContainerRef[];
      /** Faults this run holds or is checking right now, besides this one. */
      activeInRun: number;
      /** Fault ids this run holds, so the engine count does not count them twice. */
      heldFaultIds: string[];
    };
