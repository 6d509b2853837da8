import { ValidationError } from '../errors';
import { CHECK_KINDS } from './checks';
import { Experiment } from './experiment';
import { FAULT_KINDS } from './faults';
import { type KindLookup, flattenIssues } from './issues';
import { PROBE_KINDS } from './probes';

/** Validates an experiment given as plain data; every problem is reported at once with its path. */
export function parseExperiment(data: unknown, source = 'experiment'): Experiment {
  const r = Experiment.safeParse(data);
  if (!r.success) throw new ValidationError(source, flattenIssues(r.error.issues, [], kindLookup(data)));
  return r.data;
}

function kindLookup(data: unknown): KindLookup {
  return (path) => {
    const value = path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);
    const owner = path.slice(0, -1).map(String);
    const allowed = owner.includes('fault')
      ? FAULT_KINDS
      : owner[0] === 'checks' && owner.length === 2
        ? CHECK_KINDS
        : PROBE_KINDS;
    return { value, allowed };
  };
}
