/**
 * The chain file as users write it (`faultline run game-day.yaml`): the `chain` workflow's input
 * (src/spec/chain.ts) plus `file:` steps, scenario files named by a path relative to the chain
 * file, which the CLI loads and validates like any scenario and turns into `experiment:` steps.
 *
 * A file is a chain when its top level has `steps:` and no `method:` (see `looksLikeChain`).
 *
 * The schema is built by a factory so the loader can check the chain's own structure first with
 * inline experiments taken as plain mappings, and then check each experiment with the scenario
 * parser (its messages, kind lists and cross-references), prefixed with the step's path. The JSON
 * Schema for editors is built from the same factory with the full experiment schema.
 */
import { z } from 'zod';
import { Duration } from './duration';
import { Experiment, StackSpec } from './experiment';
import { FAULT_KINDS, FaultSpec } from './faults';
import { Name, kebabId } from './ids';
import { type IssueHints } from './issues';

/** The keys that say what a chain step is; a step has exactly one of them. */
export const CHAIN_STEP_KEYS = ['experiment', 'file', 'scenario', 'fault', 'wait', 'serial', 'parallel'] as const;

export const CHAIN_HINT = 'the chain format is described in docs/game-day.md and docs/scenario-reference.md (Chains); `faultline schema --chain` prints its JSON Schema';

/** A chain step as written in a chain file; `experiment` is whatever the factory was given. */
export type ChainFileStep<E = unknown> =
  | { id?: string; experiment: E }
  | { id?: string; file: string }
  | { id?: string; scenario: string; input?: Record<string, unknown> }
  | { id?: string; fault: FaultSpec; duration: Duration }
  | { id?: string; wait: Duration }
  | { id?: string; serial: ChainFileStep<E>[] }
  | { id?: string; parallel: ChainFileStep<E>[] };

export interface ChainFile<E = unknown> {
  name: string;
  description?: string;
  continueOnFailure?: boolean;
  sharedStack?: z.input<typeof StackSpec>;
  steps: ChainFileStep<E>[];
}

export function chainFileSchema<E>(experiment: z.ZodType<E>) {
  const id = kebabId('step ids').optional();
  const step: z.ZodType<ChainFileStep<E>> = z.lazy(() =>
    z.union([
      z.object({ id, experiment }).strict(),
      z.object({ id, file: z.string().min(1) }).strict(),
      z.object({ id, scenario: z.string().min(1), input: z.record(z.string(), z.unknown()).optional() }).strict(),
      z.object({ id, fault: FaultSpec, duration: Duration }).strict(),
      z.object({ id, wait: Duration }).strict(),
      z.object({ id, serial: z.array(step).min(1) }).strict(),
      z.object({ id, parallel: z.array(step).min(1) }).strict(),
    ]),
  );
  const file = z
    .object({
      name: Name,
      description: z.string().optional(),
      continueOnFailure: z.boolean().optional(),
      sharedStack: StackSpec.optional(),
      steps: z.array(step).min(1, 'a chain needs at least one step'),
    })
    .strict();
  return { file, step };
}

/** Inline experiments as plain mappings: the loader checks them with the scenario parser next. */
export const ChainFileShape = chainFileSchema(z.record(z.string(), z.unknown())).file;
const full = chainFileSchema(Experiment);
/** The full chain file and its step, for the JSON Schema. */
export const ChainFileSchema = full.file;
export const ChainFileStepSchema = full.step;

/** Top-level `steps:` and no `method:`: a chain; anything else is read as a scenario. */
export function looksLikeChain(data: unknown): boolean {
  return !!data && typeof data === 'object' && !Array.isArray(data) && 'steps' in data && !('method' in data);
}

/** Visits every step with its path (`steps[1].parallel[0]`), parents before children. */
export function walkChainFile<E>(steps: ChainFileStep<E>[], visit: (s: ChainFileStep<E>, path: string) => void, prefix = 'steps'): void {
  steps.forEach((s, i) => {
    const path = `${prefix}[${i}]`;
    visit(s, path);
    if ('serial' in s) walkChainFile(s.serial, visit, `${path}.serial`);
    if ('parallel' in s) walkChainFile(s.parallel, visit, `${path}.parallel`);
  });
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);
}

/** Issue hints for a chain file: one message per malformed step, the fault kinds for an unknown kind. */
export function chainHints(data: unknown): IssueHints {
  return {
    kind: (path) => ({ value: valueAt(data, path), allowed: FAULT_KINDS }),
    union: (path) => {
      const last = path[path.length - 1];
      const parent = path[path.length - 2];
      if (typeof last !== 'number' || !(parent === 'steps' || parent === 'serial' || parent === 'parallel')) return undefined;
      return chainStepHint(valueAt(data, path));
    },
  };
}

function chainStepHint(step: unknown): string | undefined {
  const keys = `"${CHAIN_STEP_KEYS.slice(0, -1).join('", "')}" or "${CHAIN_STEP_KEYS[CHAIN_STEP_KEYS.length - 1]}"`;
  if (!step || typeof step !== 'object' || Array.isArray(step)) return `a chain step is a mapping with one of ${keys}`;
  const given = Object.keys(step);
  const found = given.filter((k) => (CHAIN_STEP_KEYS as readonly string[]).includes(k));
  if (found.length === 1) return undefined;
  if (found.length > 1) return `a chain step has exactly one of ${keys}; found ${found.map((k) => `"${k}"`).join(' and ')}`;
  const other = given.filter((k) => k !== 'id');
  if (other.includes('method')) return `a chain step needs one of ${keys}; to run an experiment written inline, put it under "experiment:"`;
  return `a chain step needs one of ${keys}${other.length ? `; unknown key${other.length > 1 ? 's' : ''} ${other.map((k) => `"${k}"`).join(', ')}` : ''}`;
}
