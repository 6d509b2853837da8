/**
 * What a chain step becomes as a child workflow (its type, input and one-line summary) and how the
 * children's outcomes add up to the chain's.
 */
import type { Outcome } from '../report/journal';
import type { Chain, ChainStep } from '../spec/chain';
import { formatDuration } from '../spec/duration';
import { describeFault } from '../spec/faults';
import { truncateBytes } from '../spec/plan';
import { SCENARIO_TYPES } from './scenario-types.generated';

export interface ChainChild {
  path: string;
  type: string;
  workflowId: string;
  summary: string;
  outcome: Outcome | 'running';
  reasons?: string[];
}

export interface ChainResult {
  workflowId: string;
  runId: string;
  name: string;
  outcome: Outcome;
  children: ChainChild[];
  reasons: string[];
  startedAt: number;
  finishedAt?: number;
}

/**
 * The workflow type of a named scenario: `nats-kill-recovery`, `nats-kill-recovery.yaml` and
 * `natsKillRecovery` all name `natsKillRecovery`. Looked up in the table the generator writes, so
 * there is one rule for type names (scripts/gen-scenario-types.js); any other name is taken as a
 * workflow type as given.
 */
export function scenarioType(name: string): string {
  const file = /\.ya?ml$/.test(name) ? [name] : [`${name}.yaml`, `${name}.yml`];
  return file.map((f) => SCENARIO_TYPES[f]).find((t) => t !== undefined) ?? name;
}

/**
 * `share`: the chain's stack carries the chain's owner labels, so each child must declare that it
 * shares it (chains recorded before stacks had owners pass false, and their children's input is as it was).
 */
export function childInput(spec: Chain, step: ChainStep, path: string, project: string | undefined, share = false): { type: string; args: unknown[]; summary: string } {
  // Children on a shared stack adopt it and leave it up; the chain owns its lifetime. An attached
  // shared stack is passed on as it is: every child attaches to the same running project.
  const shared = !spec.sharedStack || !project ? undefined : spec.sharedStack.attach ? spec.sharedStack : { ...spec.sharedStack, project, keep: true, ...(share ? { share: true } : {}) };
  const line = (s: string) => truncateBytes(`${spec.name} ${path}: ${s}`, 200);
  if ('experiment' in step) {
    const exp = shared ? { ...step.experiment, stack: shared } : step.experiment;
    return { type: 'experiment', args: [exp], summary: line(step.experiment.name) };
  }
  if ('scenario' in step) {
    const input = shared ? { ...step.input, stack: shared } : step.input;
    return { type: scenarioType(step.scenario), args: input === undefined ? [] : [input], summary: line(step.scenario) };
  }
  if ('fault' in step) {
    const what = `${describeFault(step.fault)} for ${formatDuration(step.duration)}`;
    const exp = {
      name: `${spec.name}-fault`.slice(0, 63),
      hypothesis: `chain ${spec.name}: ${what} is injected and restored cleanly`,
      stack: shared,
      method: [{ fault: step.fault, duration: step.duration }],
    };
    return { type: 'experiment', args: [exp], summary: line(what) };
  }
  throw new Error(`chain step ${path} is not a child`);
}

/** Why a chain stopped before its last step: an abort signal, or a child that did not pass. */
export type ChainStop = { kind: 'aborted'; reason: string } | { kind: 'stopped'; path: string; outcome: Outcome };

/** The stop as the chain's reasons and its status query word it. */
export function stopText(stop: ChainStop): string {
  return stop.kind === 'aborted' ? `aborted: ${stop.reason}` : `stopped: ${stop.path} ended ${stop.outcome}`;
}

/** What happened to the chain itself, apart from its children. */
export interface ChainFacts {
  stop?: ChainStop;
  /** The chain could not go on (e.g. the shared stack did not come up). */
  error?: string;
  /** The shared stack did not come down: it may still hold faults. */
  teardownFailed?: boolean;
}

/**
 * Residue outranks everything, as in a single run; then an error of a child or of the chain; a stop
 * by abort reads as aborted; any child that did not pass (a cancelled sibling too) makes it failed.
 */
export function chainOutcome(children: ReadonlyArray<ChainChild['outcome']>, facts: ChainFacts): Outcome {
  if (facts.teardownFailed || children.includes('dirty')) return 'dirty';
  if (facts.error !== undefined || children.includes('error')) return 'error';
  if (facts.stop?.kind === 'aborted') return 'aborted';
  if (children.some((o) => o !== 'passed')) return 'failed';
  return 'passed';
}
