/**
 * The rules that span sections: probe references, unique step ids, at least one fault. They read the
 * raw input defensively, so a scenario that also has structural errors gets these reported in the
 * same pass instead of after the author fixed everything else.
 */
import { formatPath } from './issues';

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

  out.push(...workloadProblems(input));

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

/** Workload ids are unique, and every workload a check reads is declared. */
function workloadProblems(input: Raw): ReferenceProblem[] {
  const out: ReferenceProblem[] = [];
  const declared = new Set<string>();
  entries(input.workloads).forEach((w, i) => {
    if (typeof w.id !== 'string') return;
    if (declared.has(w.id)) out.push({ path: ['workloads', i, 'id'], message: `duplicate workload id "${w.id}"` });
    declared.add(w.id);
  });
  const ref = (v: unknown, path: (string | number)[]) => {
    if (typeof v !== 'string' || declared.has(v)) return;
    const have = declared.size ? `; declared: ${[...declared].join(', ')}` : '; the "workloads" section is empty';
    out.push({ path, message: `unknown workload "${v}"${have}` });
  };
  entries(input.checks).forEach((c, i) => {
    ref(c.produced, ['checks', i, 'produced']);
    ref(c.workload, ['checks', i, 'workload']);
    if (isRecord(c.consumed)) ref(c.consumed.workload, ['checks', i, 'consumed', 'workload']);
  });
  return out;
}
