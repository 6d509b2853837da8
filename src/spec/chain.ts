/**
 * A chain composes experiments and faults in serial, parallel and nested blocks. Every experiment
 * and every bare fault runs as a child `experiment` workflow, so each has its own saga, journal and
 * page in the Web UI. Fault windows overlap when blocks run in parallel.
 */
import { z } from 'zod';
import { Duration } from './duration';
import { Experiment, StackSpec } from './experiment';
import { FaultSpec } from './faults';
import { ValidationError } from '../errors';
import { flattenIssues } from './issues';
import { Name, kebabId } from './ids';

const StepId = kebabId('step ids').optional();

export const ChainExperimentStep = z.object({ id: StepId, experiment: Experiment }).strict();
/** A named scenario type (`natsKillRecovery`), optionally with input overriding its built-in scenario. */
export const ChainScenarioStep = z.object({ id: StepId, scenario: z.string().min(1), input: z.record(z.string(), z.unknown()).optional() }).strict();
/** A bare fault for a while; it needs the chain's shared stack to find its targets. */
export const ChainFaultStep = z.object({ id: StepId, fault: FaultSpec, duration: Duration }).strict();
export const ChainWaitStep = z.object({ id: StepId, wait: Duration }).strict();

export type ChainExperimentStep = z.infer<typeof ChainExperimentStep>;
export type ChainScenarioStep = z.infer<typeof ChainScenarioStep>;
export type ChainFaultStep = z.infer<typeof ChainFaultStep>;
export type ChainWaitStep = z.infer<typeof ChainWaitStep>;
export type ChainStep =
  | ChainExperimentStep
  | ChainScenarioStep
  | ChainFaultStep
  | ChainWaitStep
  | { id?: string; serial: ChainStep[] }
  | { id?: string; parallel: ChainStep[] };

export const ChainStep: z.ZodType<ChainStep> = z.lazy(() =>
  z.union([
    ChainExperimentStep,
    ChainScenarioStep,
    ChainFaultStep,
    ChainWaitStep,
    z.object({ id: StepId, serial: z.array(ChainStep).min(1) }).strict(),
    z.object({ id: StepId, parallel: z.array(ChainStep).min(1) }).strict(),
  ]),
);

export const Chain = z
  .object({
    name: Name,
    description: z.string().optional(),
    /** Keep running the remaining children after one fails (default: stop at the first failure). */
    continueOnFailure: z.boolean().default(false),
    /** One stack for all children: the chain starts it, children use it as is, the chain tears it down. */
    sharedStack: StackSpec.optional(),
    steps: z.array(ChainStep).min(1, 'a chain needs at least one step'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.sharedStack) return;
    walkChain(c.steps, (s, path) => {
      if ('fault' in s) ctx.addIssue({ code: 'custom', path: path.split(/[.[\]]+/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: 'a bare fault in a chain needs `sharedStack` to find its targets' });
    });
  });
export type Chain = z.infer<typeof Chain>;

export function walkChain(steps: ChainStep[], visit: (s: ChainStep, path: string) => void, prefix = 'steps'): void {
  steps.forEach((s, i) => {
    const path = `${prefix}[${i}]`;
    visit(s, path);
    if ('serial' in s) walkChain(s.serial, visit, `${path}.serial`);
    if ('parallel' in s) walkChain(s.parallel, visit, `${path}.parallel`);
  });
}

export function parseChain(data: unknown, source = 'chain'): Chain {
  const r = Chain.safeParse(data);
  if (r.success) return r.data;
  throw new ValidationError(source, [...new Set(flattenIssues(r.error.issues, [], {}))]);
}
