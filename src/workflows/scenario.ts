/**
 * Named scenario types: each scenario file becomes a workflow type of its own (for example
 * `natsKillRecovery`) with the scenario built in, so `temporal workflow start --type
 * natsKillRecovery --task-queue faultline` runs it with no input. Input, when given, overrides the
 * built-in scenario key by key; `stack` is merged one level deep so `{"stack":{"keep":true}}` works.
 */
import type { Journal } from '../report/journal';
import { experiment } from './experiment';

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

export function withDefaults(defaults: Plain, input: unknown): unknown {
  if (input === undefined || input === null) return defaults;
  if (!isPlain(input)) return input; // let the experiment's validation name the problem
  const merged: Plain = { ...defaults, ...input };
  if (isPlain(defaults.stack) && isPlain(input.stack)) merged.stack = { ...defaults.stack, ...input.stack };
  return merged;
}

export function scenarioWorkflow(type: string, file: string, defaults: Plain): (input?: unknown) => Promise<Journal> {
  const run = (input?: unknown) => experiment(withDefaults(defaults, input));
  Object.defineProperty(run, 'name', { value: type });
  Object.defineProperty(run, 'scenarioFile', { value: file });
  Object.defineProperty(run, 'scenarioDefaults', { value: defaults });
  return run;
}
