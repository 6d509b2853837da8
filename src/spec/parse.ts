import type { z } from 'zod';
import { ValidationError } from '../errors';
import { CHECK_KINDS } from './checks';
import { WORKLOAD_KINDS } from './workloads';
import { Experiment } from './experiment';
import { FAULT_KINDS } from './faults';
import { type IssueHints, flattenIssues, formatPath } from './issues';
import { PROBE_KINDS } from './probes';
import { referenceProblems } from './references';
import { STEP_KEYS } from './steps';

export const SCENARIO_HINT =
  'the scenario format is described in docs/scenario-reference.md; `faultline schema` prints a JSON Schema for editors';

/** Validates an experiment given as plain data; every problem is reported at once with its path. */
export function parseExperiment(data: unknown, source = 'experiment'): Experiment {
  const r = Experiment.safeParse(data, { error: plainMessages });
  if (r.success) return r.data;
  // zod skips the cross-reference rules once the structure is broken; run them on the raw input.
  const references = referenceProblems(data).map((p) => `${formatPath(p.path)}: ${p.message}`);
  const problems = [...new Set([...flattenIssues(r.error.issues, [], hints(data)), ...references])];
  throw new ValidationError(source, problems, SCENARIO_HINT);
}

/** Scenario authors write YAML, so messages speak of mappings and lists, and a missing key is "required". */
export const plainMessages: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) return 'required';
    return `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
  }
  if (iss.code === 'invalid_value') {
    return `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(iss.input)}`;
  }
  if (iss.code === 'too_small' && iss.origin === 'string' && Number(iss.minimum) === 1) return 'must not be empty';
  return undefined;
};

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  tuple: 'a list',
  record: 'a mapping',
};

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);
}

function hints(data: unknown): IssueHints {
  return {
    kind: (path) => {
      const owner = path.slice(0, -1).map(String);
      const allowed = owner.includes('fault')
        ? FAULT_KINDS
        : owner[0] === 'checks' && owner.length === 2
          ? CHECK_KINDS
          : owner[0] === 'workloads' && owner.length === 2
            ? WORKLOAD_KINDS
            : PROBE_KINDS;
      return { value: valueAt(data, path), allowed };
    },
    union: (path) => {
      const last = path[path.length - 1];
      const parent = path[path.length - 2];
      if (typeof last === 'number' && (parent === 'method' || parent === 'serial' || parent === 'parallel')) {
        return stepHint(valueAt(data, path));
      }
      if (last === 'mode') return modeHint(valueAt(data, path));
      return undefined;
    },
  };
}

/** `{ count: 0 }` gets the branch's own message; anything else does not look like any mode. */
function modeHint(mode: unknown): string | undefined {
  const keys = mode && typeof mode === 'object' ? Object.keys(mode) : [];
  if (keys.length === 1 && (keys[0] === 'count' || keys[0] === 'percent')) return undefined;
  return `expected "all", "one", { count: N } or { percent: P }, got ${describeValue(mode)}`;
}

/** A step is recognised by its one step key; say so instead of reporting every union branch. */
function stepHint(step: unknown): string | undefined {
  const keys = `"${STEP_KEYS.slice(0, -1).join('", "')}" or "${STEP_KEYS[STEP_KEYS.length - 1]}"`;
  if (!step || typeof step !== 'object' || Array.isArray(step)) return `a step is a mapping with one of ${keys}`;
  const given = Object.keys(step);
  const found = given.filter((k) => (STEP_KEYS as readonly string[]).includes(k));
  if (found.length === 1) return undefined;
  if (found.length > 1) return `a step has exactly one of ${keys}; found ${found.map((k) => `"${k}"`).join(' and ')}`;
  const other = given.filter((k) => k !== 'id');
  return `a step needs one of ${keys}${other.length ? `; unknown key${other.length > 1 ? 's' : ''} ${other.map((k) => `"${k}"`).join(', ')}` : ''}`;
}
