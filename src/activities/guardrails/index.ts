/**
 * The checkGuardrails activity: the worker's own guardrails (its policy, never the scenario's
 * word) applied to a run before it starts and to each fault before its inject. It answers with
 * every rule's verdict, refusals included; the workflow records them and refuses the run.
 */
import type Docker from 'dockerode';
import { HOST_TARGET } from '../../spec/target';
import { type GuardrailsSection, guardrailConfig } from './config';
import { type TargetFacts, decideFault, decideRun } from './decide';
import { faultsHeldElsewhere, targetFacts } from './facts';
import type { CheckGuardrailsInput, GuardrailCheck } from './types';

export async function checkGuardrails(docker: Docker, section: GuardrailsSection, input: CheckGuardrailsInput, now: number): Promise<GuardrailCheck> {
  const cfg = guardrailConfig(section);
  if (input.stage === 'run') {
    const d = decideRun(cfg, input.scenario, input.faults);
    return { stage: 'run', at: now, ...d, ...limit(cfg.maxFaultDurationMs) };
  }
  const host = input.targets.length > 0 && input.targets.every((t) => t.id === HOST_TARGET.id);
  const facts: TargetFacts[] = [];
  if (!host) for (const ref of input.targets) {
    const f = await targetFacts(docker, ref);
    if (f) facts.push(f);
  }
  const needsEngine = cfg.maxConcurrentFaults !== undefined;
  const activeElsewhere = needsEngine ? await faultsHeldElsewhere(docker, input.run, input.heldFaultIds) : 0;
  const d = decideFault(cfg, input.scenario, { fault: input.fault, targets: facts, host, activeInRun: input.activeInRun, activeElsewhere });
  return { stage: 'inject', stepPath: input.fault.stepPath, at: now, ...d, ...limit(cfg.maxFaultDurationMs) };
}

const limit = (ms: number | undefined): { maxFaultDurationMs?: number } => (ms === undefined ? {} : { maxFaultDurationMs: ms });
