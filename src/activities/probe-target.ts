/**
 * Target by probe: runs the probe a fault target names and turns the value it selects (e.g. the
 * JetStream meta leader's server name) into a plain service or container target. The workflow
 * records the value and the sample in the journal, so the choice can be audited and replays alike.
 */
import { FaultlineError } from '../errors';
import type { Target } from '../spec/target';
import { selectPath, show } from './probes/expect';
import type { ProbeDeps } from './probes/probe';
import { runProbe } from './probes/run';
import type { PickTargetInput, PickTargetResult } from './types';

export async function pickTargetByProbe(deps: ProbeDeps, input: PickTargetInput): Promise<PickTargetResult> {
  const { choice, probe, stack, mode } = input;
  const sample = await runProbe(deps, { probe, stack });
  const where = `probe ${choice.probe} at ${choice.select}`;
  // A failing probe is usually transient (no leader elected yet), so the activity's retries apply.
  if (!sample.ok && sample.value === undefined) {
    throw new FaultlineError('ProbeTargetUnavailable', `${where}: the probe failed: ${sample.error ?? 'no value'}`, {
      context: { sample },
      hint: 'the target is chosen by what the probe returns; it must answer when the fault starts',
    });
  }
  const value = selectPath(choice.select, sample.value)[0];
  if (typeof value !== 'string' || value.length === 0) {
    throw new FaultlineError('ProbeTargetUnavailable', `${where}: expected a non-empty name, got ${show(value)}`, { context: { sample } });
  }
  const target: Target = choice.as === 'service' ? { service: value, mode } : { container: value, mode };
  return { target, value, sample };
}
