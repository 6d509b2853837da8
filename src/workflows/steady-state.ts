/**
 * Steady state: every probe must hold before any fault is injected. A deviation here means the
 * system was already unhealthy, so the run ends `failed` without touching it.
 */
import type { StackHandle } from '../activities/types';
import type { Journal } from '../report/journal';
import { type Experiment, describeProbe, resolveProbe } from '../spec';
import { probing } from './activities';

export async function runSteadyState(exp: Experiment, stack: StackHandle | undefined, journal: Journal): Promise<string | undefined> {
  const problems: string[] = [];
  for (const s of exp.steadyState) {
    const probe = resolveProbe(exp, s.probe);
    const label = typeof s.probe === 'string' ? s.probe : describeProbe(probe);
    const sample = await probing.runProbe.executeWithOptions({ summary: `steady state: ${label}`.slice(0, 200) }, [
      { probe, expect: s.expect, stack },
    ]);
    journal.steadyState.push({ label, sample });
    if (!sample.ok) problems.push(`${label}: ${sample.error ?? 'expectation not met'}`);
  }
  return problems.length > 0 ? `steady state deviated before the method: ${problems.join('; ')}` : undefined;
}
