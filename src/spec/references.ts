import { formatPath } from './issues';

/**
 * The rules that span sections: probe references, unique step ids, at least one fault. They read the
 * raw input defensively, so a scenario that also has structural errors gets these reported in the
 * same pass instead of after the author fixed everything else.
 */
export interface ReferenceProblem {
  path: (string | number)[];
  message: string;
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);
const entries = (v: unknown): Raw[] => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : []);

export function referenceProblems(input: unknown): ReferenceProblem[] {
  if (!isRecord(input)) return [];
  const out: ReferenceProblem[] = [];
  const known = new Set(isRecord(input.probes) ? Object.keys(input.probes) : []);
  const ref = (r: unknown, path: (string | number)[]) => {
    if (typeof r !== 'string' || known.has(r)) return;
    const have = known.size ? `; defined: ${[...known].join(', ')}` : '; the "probes" section is empty';
    out.push({ path, message: `unknown probe "${r}"${have}` });
  };
  for (const section of ['steadyState', 'continuous', 'checks'] as const) {
    entries(input[section]).forEach((s, i) => ref(s.probe, [section, i, 'probe']));
  }

  const ids = new Map<string, string>();
  let faults = 0;
  const walk = (steps: unknown, prefix: (string | number)[]) => {
    entries(steps).forEach((s, i) => {
      const path = [...prefix, i];
      if ('fault' in s) faults++;
      const target = isRecord(s.fault) && isRecord(s.fault.target) ? s.fault.target : {};
      if (isRecord(target.fromProbe)) ref(target.fromProbe.probe, [...path, 'fault', 'target', 'fromProbe', 'probe']);
      if ('probe' in s) ref(s.probe, [...path, 'probe']);
      if (typeof s.id === 'string') {
        const first = ids.get(s.id);
        if (first) out.push({ path: [...path, 'id'], message: `duplicate step id "${s.id}" (also ${first})` });
        else ids.set(s.id, formatPath(path));
      }
      walk(s.serial, [...path, 'serial']);
      walk(s.parallel, [...path, 'parallel']);
    });
  };
  walk(input.method, ['method']);
  // An empty method is already reported as such; "no fault" would only repeat it.
  if (Array.isArray(input.method) && input.method.length > 0 && faults === 0) {
    out.push({ path: ['method'], message: 'the method injects no fault' });
  }
  return out;
}
