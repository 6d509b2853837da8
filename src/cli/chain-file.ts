/**
 * Loading a chain file for `faultline run`, `plan` and `validate`: the chain's own structure, then
 * every experiment in it (inline, or a scenario file by path relative to the chain file) with the
 * scenario rules and against its stack (the chain's shared stack when it has one), every named
 * scenario against the scenario types the worker registers, every bare fault against the shared
 * stack. All problems are reported at once, each with its path; nothing is started.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ValidationError } from '../errors';
import type { Experiment, StackSpec } from '../spec';
import { parseExperiment, plainMessages } from '../spec/parse';
import { type Chain, type ChainStep, parseChain } from '../spec/chain';
import { CHAIN_HINT, type ChainFileStep, ChainFileShape, chainHints, looksLikeChain } from '../spec/chain-file';
import { flattenIssues } from '../spec/issues';
import { loadExperimentFile, readYamlFile } from '../spec/load';
import { checkAgainstStack } from '../activities/stack/check';
import { SCENARIO_TYPES } from '../workflows/scenario-types.generated';
import { scenarioType } from '../workflows/chain-children';
import type { Checked } from './preflight';

export interface LoadedChain {
  chain: Chain;
  /** Every experiment of the chain as it will run (with the shared stack when there is one), for the image check. */
  checked: Checked[];
  /** Where each `file:` step came from, by step path, for the plan. */
  files: Record<string, string>;
  /** The folders of every compose file the chain uses (the in-process worker may read them). */
  composeDirs: string[];
}

/** Is this file a chain? Top-level `steps:` and no `method:`. Unreadable or broken files are left to the scenario loader's messages. */
export function isChainFile(file: string): boolean {
  try {
    const doc = parseDocument(readFileSync(file, 'utf8'));
    return doc.errors.length === 0 && looksLikeChain(doc.toJS());
  } catch {
    return false;
  }
}

/** The known names of scenarios a chain may name: `nats-kill-recovery` or `natsKillRecovery`. */
export function knownScenarios(): string[] {
  return Object.keys(SCENARIO_TYPES).map((f) => f.replace(/\.ya?ml$/, ''));
}

export function loadChainFile(file: string): LoadedChain {
  return parseChainFile(readYamlFile(file), file);
}

/** Validates chain-file data; `file` names the source and is the folder relative paths start from. */
export function parseChainFile(data: unknown, file: string): LoadedChain {
  if (!looksLikeChain(data)) {
    throw new ValidationError(file, ['(root): expected a mapping with name and steps (a chain file)'], CHAIN_HINT);
  }
  const r = ChainFileShape.safeParse(data, { error: plainMessages });
  if (!r.success) throw new ValidationError(file, flattenIssues(r.error.issues, [], chainHints(data)), CHAIN_HINT);
  const base = dirname(resolve(file));
  const problems: string[] = [];
  const checked: Checked[] = [];
  const files: Record<string, string> = {};
  const composeDirs = new Set<string>();
  const spec = r.data;

  let shared: StackSpec | undefined;
  if (spec.sharedStack) {
    const compose = spec.sharedStack.compose;
    shared = (compose === undefined ? spec.sharedStack : { ...spec.sharedStack, compose: absolute(base, compose) }) as StackSpec;
    if (shared.compose !== undefined) composeDirs.add(dirname(shared.compose));
  }
  const stackCheck = (exp: Experiment, source: string, prefix: (p: string) => string) => {
    const asRun = shared ? { ...exp, stack: shared } : exp;
    if (asRun.stack?.compose !== undefined) composeDirs.add(dirname(asRun.stack.compose));
    try {
      checked.push({ exp: asRun, ...checkAgainstStack(asRun, source) });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      problems.push(...e.problems.map(prefix));
    }
  };

  const convert = (s: ChainFileStep<Record<string, unknown>>, path: string): ChainStep | undefined => {
    const id = s.id === undefined ? {} : { id: s.id };
    if ('serial' in s || 'parallel' in s) {
      const key = 'serial' in s ? 'serial' : 'parallel';
      const inner = ('serial' in s ? s.serial : s.parallel).map((c, i) => convert(c, `${path}.${key}[${i}]`));
      return inner.every((c): c is ChainStep => c !== undefined) ? ({ ...id, [key]: inner } as ChainStep) : undefined;
    }
    if ('wait' in s) return s;
    if ('scenario' in s) {
      const type = scenarioType(s.scenario);
      if (!Object.values(SCENARIO_TYPES).includes(type)) {
        problems.push(`${path}.scenario: unknown scenario "${s.scenario}"; expected one of: ${knownScenarios().join(', ')} (or give a scenario file with "file:")`);
        return undefined;
      }
      return s;
    }
    if ('fault' in s) {
      if (!shared) {
        problems.push(`${path}.fault: a bare fault in a chain needs "sharedStack" to find its targets`);
        return undefined;
      }
      const exp = { name: `${spec.name}-fault`.slice(0, 63), hypothesis: 'a bare fault', method: [{ fault: s.fault, duration: s.duration }] };
      stackCheck(parseExperiment(exp, file), file, (p) => `${path}.${p.replace(/^method\[0\]\./, '')}`);
      return s;
    }
    if ('file' in s) {
      const target = absolute(base, s.file);
      files[path] = relative(process.cwd(), target) || target;
      let exp: Experiment;
      try {
        exp = loadExperimentFile(target);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        problems.push(...e.problems.map((p) => `${path}.file (${s.file}): ${p}`));
        return undefined;
      }
      stackCheck(exp, target, (p) => `${path}.file (${s.file}): ${p}`);
      return { ...id, experiment: exp };
    }
    // An experiment written inline: the scenario rules, with its compose path relative to the chain file.
    const at = (p: string) => (p.startsWith('(root)') ? `${path}.experiment${p.slice('(root)'.length)}` : `${path}.experiment.${p}`);
    let exp: Experiment;
    try {
      exp = parseExperiment(s.experiment, file);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      problems.push(...e.problems.map(at));
      return undefined;
    }
    if (exp.stack?.compose !== undefined) exp.stack.compose = absolute(base, exp.stack.compose);
    stackCheck(exp, file, at);
    return { ...id, experiment: exp };
  };

  const steps = spec.steps.map((s, i) => convert(s, `steps[${i}]`));
  if (problems.length > 0 || !steps.every((s): s is ChainStep => s !== undefined)) throw new ValidationError(file, [...new Set(problems)], CHAIN_HINT);
  const { steps: _raw, ...rest } = spec;
  const input = { ...rest, ...(shared ? { sharedStack: shared } : {}), steps };
  // The workflow's own check, so what the CLI accepts the workflow accepts.
  let chain: Chain;
  try {
    chain = parseChain(input, file);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new ValidationError(file, e.problems, CHAIN_HINT);
  }
  return { chain, checked, files, composeDirs: [...composeDirs] };
}

function absolute(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

