/**
 * The JSON Schema of scenario files, generated from the zod schemas (input side, so defaulted keys
 * are optional) for editors: `# yaml-language-server: $schema=../schema/experiment.schema.json`.
 * It is looser than the zod schema where JSON Schema cannot say a rule (probe references, unique
 * step ids, loopback hosts); the loader stays the judge.
 */
import { z } from 'zod';
import { CHECK_SCHEMAS, type CheckKind } from './checks';
import { WORKLOAD_SCHEMAS, type WorkloadKind } from './workloads';
import { Duration, Interval, MIN_INTERVAL_MS, Timeout } from './duration';
import { Expectation } from './expect';
import { Experiment, StackSpec } from './experiment';
import { FAULT_SCHEMAS, type FaultKind, FaultSpec } from './faults';
import { PROBE_SCHEMAS, type ProbeKind, ProbeRef, ProbeSpec } from './probes';
import { FaultStep, Rollback, Step } from './steps';
import { SelectionMode, Target } from './target';
import { ChainFileSchema, ChainFileStepSchema } from './chain-file';

export const EXPERIMENT_SCHEMA_ID = 'urn:faultline:experiment';
export const CHAIN_SCHEMA_ID = 'urn:faultline:chain';

type Meta = { id?: string; title?: string; description?: string };

function metadata(): z.core.$ZodRegistry<Meta> {
  const reg = z.registry<Meta>();
  const top = Experiment.shape;
  reg.add(top.name, { description: 'kebab-case name of the experiment; runs are named <name>-<timestamp>' });
  reg.add(top.hypothesis, { description: 'what should still hold while the faults last' });
  reg.add(top.probes, { description: 'named probes, referenced by id from steadyState, continuous, method and checks' });
  reg.add(top.steadyState, { description: 'probes that must all pass before any fault is injected' });
  reg.add(top.continuous, { description: 'probes sampled at their interval, each by one prober activity on the worker, from the start of the method until recovery is measured' });
  reg.add(top.method, { description: 'faults, waits and probes, composed in serial and parallel blocks' });
  reg.add(top.rollbacks, { description: 'actions run after the automatic restores, whatever happened' });
  reg.add(top.checks, { description: 'verdicts computed after the restores' });
  reg.add(top.workloads, { description: 'background clients run from stack up until recovery is measured; every operation is recorded for the checks' });
  reg.add(FaultStep.shape.duration, { description: 'restore the fault after this long; without it the fault lasts until the restore phase' });
  reg.add(FAULT_SCHEMAS['container-kill'].shape.signal, { description: 'signal sent to the main process (default SIGKILL)' });
  reg.add(StackSpec, { id: 'Stack', description: 'the compose stack started before and torn down after the run (compose), or a running compose project to run on and never tear down (attach)' });
  reg.add(Duration, { id: 'Duration', description: 'a duration like "500ms", "15s", "2m", "1h", or a number of milliseconds; at most 168h' });
  reg.add(Timeout, { id: 'Timeout', description: 'a duration above zero, at most 168h' });
  reg.add(Interval, { id: 'Interval', description: `a duration of at least ${MIN_INTERVAL_MS}ms, at most 168h` });
  reg.add(SelectionMode, { id: 'SelectionMode', description: 'how many matching containers to act on: all, one, { count: N } or { percent: P }' });
  reg.add(Target, { id: 'Target', description: 'containers chosen by exactly one of service, container, labels or fromProbe (faults only)' });
  reg.add(Expectation, { id: 'Expectation', description: 'every comparator given must hold on the value jsonpath selects' });
  reg.add(ProbeSpec, { id: 'Probe' });
  reg.add(ProbeRef, { id: 'ProbeRef', description: 'the id of an entry in "probes", or a probe written inline' });
  reg.add(FaultSpec, { id: 'Fault' });
  reg.add(Step, { id: 'Step', description: 'exactly one of fault, wait, probe, serial or parallel' });
  reg.add(Rollback, { id: 'Rollback' });
  for (const kind of Object.keys(FAULT_SCHEMAS) as FaultKind[]) reg.add(FAULT_SCHEMAS[kind], { id: defId('fault', kind), title: kind });
  for (const kind of Object.keys(PROBE_SCHEMAS) as ProbeKind[]) reg.add(PROBE_SCHEMAS[kind], { id: defId('probe', kind), title: kind });
  for (const kind of Object.keys(CHECK_SCHEMAS) as CheckKind[]) reg.add(CHECK_SCHEMAS[kind], { id: defId('check', kind), title: kind });
  for (const kind of Object.keys(WORKLOAD_SCHEMAS) as WorkloadKind[]) reg.add(WORKLOAD_SCHEMAS[kind], { id: defId('workload', kind), title: kind });
  return reg;
}

/** `container-kill` -> `FaultContainerKill`, a readable $defs key. */
function defId(group: string, kind: string): string {
  return [group, ...kind.split('-')].map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

const exactlyOne = (...sets: string[][]) => sets.map((required) => ({ required }));

export function experimentJsonSchema(): Record<string, unknown> {
  return jsonSchemaOf(Experiment, {
    $id: EXPERIMENT_SCHEMA_ID,
    title: 'Faultline experiment',
    description: 'A chaos experiment run as a Temporal workflow. Reference: docs/scenario-reference.md',
  });
}

/** The JSON Schema of chain files (`steps:` at the top); inline experiments use the experiment definitions. */
export function chainJsonSchema(): Record<string, unknown> {
  return jsonSchemaOf(ChainFileSchema, {
    $id: CHAIN_SCHEMA_ID,
    title: 'Faultline chain',
    description: 'Experiments, scenarios, faults and waits in serial and parallel blocks, run as one `chain` workflow. Reference: docs/game-day.md',
  });
}

function jsonSchemaOf(schema: z.ZodType, head: { $id: string; title: string; description: string }): Record<string, unknown> {
  const reg = metadata();
  if (schema === ChainFileSchema) {
    reg.add(Experiment, { id: 'Experiment', description: 'an experiment written inline, as in a scenario file' });
    reg.add(ChainFileStepSchema, { id: 'ChainStep', description: 'exactly one of experiment (inline), file (a scenario file, relative to the chain file), scenario (by name), fault (with duration; needs sharedStack), wait, serial or parallel' });
  }
  const generated = z.toJSONSchema(schema, {
    io: 'input',
    metadata: reg,
    // Rules zod checks in refinements, restated where JSON Schema can say them so editors flag them too.
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === Target) jsonSchema.oneOf = exactlyOne(['service'], ['container'], ['labels'], ['fromProbe']);
      if (zodSchema === PROBE_SCHEMAS.http) jsonSchema.oneOf = exactlyOne(['url'], ['service', 'port']);
    },
  }) as Record<string, unknown>;
  const { $schema, $defs, ...rest } = generated;
  return {
    $schema,
    ...head,
    ...rest,
    $defs: withoutIds($defs),
  };
}

/** zod copies the registry's `id` into each definition; it is not a JSON Schema 2020-12 keyword. */
function withoutIds(defs: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries((defs ?? {}) as Record<string, Record<string, unknown>>)) {
    const { id: _id, ...rest } = def;
    out[key] = rest;
  }
  return out;
}
