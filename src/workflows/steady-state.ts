/**
 * Steady state: every probe must hold before any fault is injected. A deviation here means the
 * system was already unhealthy, so the run ends `failed` without touching it.
 */
import type { StackHandle } from '../activities/types';
import { type Experiment, probeLabel, resolveProbe } from '../spec';
import { probing, summary } from './proxies';
import type { RunRecorder } from './recorder';

export async function runSteadyState(exp: Experiment, stack: StackHandle | undefined, rec: RunRecorder): Promise<string | undefined> {
  const problems: string[] = [];
  for (const s of exp.steadyState) {
    const probe = resolveProbe(exp, s.probe);
    const label = probeLabel(s.probe);
    const sample = await probing.runProbe.executeWithOptions(summary(`steady state: ${label}`), [
      { probe, expect: s.expect, stack },
    ]);
    rec.record({ kind: 'steady-state-sampled', label, sample });
    if (!sample.ok) problems.push(`${label}: ${sample.error ?? 'expectation not met'}`);
  }
  return problems.length > 0 ? `steady state deviated before the method: ${problems.join('; ')}` : undefined;
}
