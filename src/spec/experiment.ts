import { z } from 'zod';
import { CheckSpec } from './checks';
import { Duration } from './duration';
import { Expectation } from './expect';
import { ProbeRef, ProbeSpec } from './probes';
import { Rollback, Step, isFault, isProbe, walkSteps } from './steps';

/** One experiment, as written in a scenario file and as passed to the `experiment` workflow. */
const Name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'names are kebab-case, at most 63 characters');

export const StackSpec = z
  .object({
    /** Path of a compose file, relative to the scenario file (the loader makes it absolute). */
    compose: z.string().min(1),
    profiles: z.array(z.string().min(1)).default([]),
    /** Compose project name; defaults to one derived from the workflow id so runs never collide. */
    project: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).optional(),
    /** Leave the stack running after the run (for debugging). */
    keep: z.boolean().default(false),
    healthTimeout: Duration.default('120s'),
  })
  .strict();
export type StackSpec = z.infer<typeof StackSpec>;

export const SteadyStateProbe = z.object({ probe: ProbeRef, expect: Expectation.optional() }).strict();
export const ContinuousProbe = z
  .object({ id: z.string().min(1).optional(), probe: ProbeRef, every: Duration.default('1s') })
  .strict();

export const Experiment = z
  .object({
    name: Name,
    hypothesis: z.string().min(1),
    description: z.string().optional(),
    tags: z.array(z.string()).default([]),
    stack: StackSpec.optional(),
    probes: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'probe ids are kebab-case'), ProbeSpec).default({}),
    steadyState: z.array(SteadyStateProbe).default([]),
    continuous: z.array(ContinuousProbe).default([]),
    method: z.array(Step).min(1, 'the method needs at least one step'),
    rollbacks: z.array(Rollback).default([]),
    checks: z.array(CheckSpec).default([]),
  })
  .strict()
  .superRefine((e, ctx) => {
    const known = new Set(Object.keys(e.probes));
    const ref = (r: ProbeRef, path: (string | number)[]) => {
      if (typeof r === 'string' && !known.has(r)) {
        const have = known.size ? `; defined: ${[...known].join(', ')}` : '; the "probes" section is empty';
        ctx.addIssue({ code: 'custom', path, message: `unknown probe "${r}"${have}` });
      }
    };
    e.steadyState.forEach((s, i) => ref(s.probe, ['steadyState', i, 'probe']));
    e.continuous.forEach((c, i) => ref(c.probe, ['continuous', i, 'probe']));
    e.checks.forEach((c, i) => ref(c.probe, ['checks', i, 'probe']));
    const ids = new Map<string, string>();
    walkSteps(e.method, (s, path) => {
      if (isProbe(s)) ref(s.probe, [...pathToArray(path), 'probe']);
      if (s.id) {
        if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: [...pathToArray(path), 'id'], message: `duplicate step id "${s.id}" (also ${ids.get(s.id)})` });
        ids.set(s.id, path);
      }
    });
    let faults = 0;
    walkSteps(e.method, (s) => (faults += isFault(s) ? 1 : 0));
    if (faults === 0) ctx.addIssue({ code: 'custom', path: ['method'], message: 'the method injects no fault' });
  });

export type Experiment = z.infer<typeof Experiment>;
export type ExperimentInput = z.input<typeof Experiment>;

function pathToArray(path: string): (string | number)[] {
  return path.split(/[.[\]]+/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Resolves a probe reference against the experiment's library. Validation guarantees it exists. */
export function resolveProbe(e: Experiment, r: ProbeRef): ProbeSpec {
  if (typeof r !== 'string') return r;
  const p = e.probes[r];
  if (!p) throw new Error(`unknown probe "${r}"`);
  return p;
}
