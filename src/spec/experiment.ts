import { z } from 'zod';
import { CheckSpec } from './checks';
import { Interval, Timeout } from './duration';
import { Expectation } from './expect';
import { ProbeRef, ProbeSpec, describeProbe } from './probes';
import { referenceProblems } from './references';
import { Safety } from './safety';
import { Rollback, Step } from './steps';
import { WorkloadSpec } from './workloads';
import { Name, kebabId } from './ids';

/** One experiment, as written in a scenario file and as passed to the `experiment` workflow. */

const ProjectName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'compose project names are lower-case letters, digits, "-" and "_"');

/** A compose project that is already running, started by any compose implementation (or by Faultline). */
export const AttachSpec = z
  .object({
    /** Its `com.docker.compose.project` label, as `docker compose ls` shows it. */
    project: ProjectName,
  })
  .strict();

export const StackSpec = z
  .object({
    /** Path of a compose file, relative to the scenario file (the loader makes it absolute). */
    compose: z.string().min(1).optional(),
    /** Run on a compose project that is already up instead of starting one; never stopped or removed by Faultline. */
    attach: AttachSpec.optional(),
    profiles: z.array(z.string().min(1)).default([]),
    /** Compose project name; defaults to one derived from the workflow id so runs never collide. */
    project: ProjectName.optional(),
    /** Leave the stack running after the run (for debugging). */
    keep: z.boolean().default(false),
    /**
     * Run on the project even when another run started it (a long-lived stack several runs share).
     * Such a stack is left up at teardown; only what this run created is removed. No default: absent
     * reads as false and keeps workflow inputs as they were before sharing existed.
     */
    share: z.boolean().optional(),
    healthTimeout: Timeout.default('120s'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (s.compose === undefined && s.attach === undefined) issue('compose', 'give "compose" (a compose file to start) or "attach" (a running compose project)');
    if (s.compose !== undefined && s.attach !== undefined) issue('attach', '"attach" and "compose" exclude each other: attach runs on a stack that is already up');
    if (s.attach === undefined) return;
    const attached = 'an attached stack is not started by Faultline';
    if (s.project !== undefined) issue('project', `${attached}; its project is attach.project`);
    if (s.profiles.length > 0) issue('profiles', `${attached}, so there are no profiles to select`);
    if (s.share) issue('share', `${attached} and never torn down, so there is nothing to share; leave share out`);
  });
export type StackSpec = z.infer<typeof StackSpec>;

/** The compose project a stack runs as: the attached one, the one given, or `fallback` (derived from the workflow id). */
export function stackProject(stack: StackSpec, fallback: string): string {
  return stack.attach?.project ?? stack.project ?? fallback;
}

export const SteadyStateProbe = z.object({ probe: ProbeRef, expect: Expectation.optional() }).strict();
export const ContinuousProbe = z
  .object({
    id: z.string().min(1).optional(),
    probe: ProbeRef,
    every: Interval.default('1s'),
    /** A stop condition: while faults are active, this many failed samples in a row abort the run. */
    abortOnFail: z.boolean().default(false),
    failuresToAbort: z.number().int().min(1).default(1),
  })
  .strict();

export const Experiment = z
  .object({
    name: Name,
    hypothesis: z.string().trim().min(1, 'must not be empty: state what should still hold while the faults last'),
    description: z.string().optional(),
    tags: z.array(z.string()).default([]),
    stack: StackSpec.optional(),
    probes: z.record(kebabId('probe ids'), ProbeSpec).default({}),
    steadyState: z.array(SteadyStateProbe).default([]),
    continuous: z.array(ContinuousProbe).default([]),
    /** Background clients started once the stack is up and stopped after recovery; checks judge their histories. */
    workloads: z.array(WorkloadSpec).default([]),
    method: z.array(Step).min(1, 'the method needs at least one step'),
    rollbacks: z.array(Rollback).default([]),
    checks: z.array(CheckSpec).default([]),
    /** Fault TTLs (the dead-man switch) and target leases. */
    safety: Safety.prefault({}),
  })
  .strict()
  .superRefine((e, ctx) => {
    for (const p of referenceProblems(e)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });

export type Experiment = z.infer<typeof Experiment>;
export type ExperimentInput = z.input<typeof Experiment>;

/** A continuous probe's series id: its own id, else its library probe id, else its position. */
export function continuousId(c: { id?: string; probe: ProbeRef }, index: number): string {
  return c.id ?? (typeof c.probe === 'string' ? c.probe : `continuous-${index}`);
}

/** How a probe reference reads in the journal and the UI: its library id, or its description. */
export function probeLabel(r: ProbeRef): string {
  return typeof r === 'string' ? r : describeProbe(r);
}

/** Resolves a probe reference against the experiment's library. Validation guarantees it exists. */
export function resolveProbe(e: Experiment, r: ProbeRef): ProbeSpec {
  if (typeof r !== 'string') return r;
  const p = e.probes[r];
  if (!p) throw new Error(`unknown probe "${r}"`);
  return p;
}
