import {
  CHECK_KINDS,
  CHECK_SCHEMAS,
  type CheckKind,
  CheckSpec,
  FAULT_KINDS,
  FAULT_SCHEMAS,
  type FaultKind,
  FaultSpec,
  PROBE_KINDS,
  PROBE_SCHEMAS,
  type ProbeKind,
  ProbeSpec,
  parseExperiment,
  WORKLOAD_KINDS,
  WORKLOAD_SCHEMAS,
  type WorkloadKind,
  WorkloadSpec,
} from '../../../src/spec';
import { FAULT_CASES } from '../activities/faults/contract';

/**
 * The kind lists, the schema maps and the discriminated unions must name the same kinds: the driver
 * and probe registries are typed against the lists, validation runs through the unions. Typing the
 * minimal examples as Record<Kind, ...> makes a new kind without an example fail to compile.
 */
// The fault kinds' minimal specs are the driver contract suite's cases, so a new kind adds one test line, there.
const MINIMAL_FAULTS: Record<FaultKind, object> = Object.fromEntries(Object.entries(FAULT_CASES).map(([k, c]) => [k, c.spec])) as Record<FaultKind, object>;
const MINIMAL_PROBES: Record<ProbeKind, object> = {
  http: { url: 'http://127.0.0.1:8080/' },
  tcp: { port: 8080 },
  postgres: { sql: 'select 1' },
  nats: {},
  container: { target: { container: 'web-1' } },
  jetstream: {},
  'nats-monitor': {},
};
const MINIMAL_CHECKS: Record<CheckKind, object> = {
  'time-to-green': { probe: 'p', within: '10s' },
  drained: { probe: 'p', within: '10s' },
  'no-loss': { produced: 'w', consumed: { jetstream: { stream: 'EVENTS', endpoint: { service: 'nats' } } } },
  'fail-closed': { workload: 'w' },
  'success-rate': { workload: 'w', min: 0.99, window: 'before' },
  latency: { workload: 'w', window: 'during', gt: '100ms' },
};
const MINIMAL_WORKLOADS: Record<WorkloadKind, object> = {
  'pg-outbox-writer': { id: 'w', rate: '10/s', service: 'postgres' },
  'http-load': { id: 'w', rate: '10/s', port: 8080 },
  'nats-publish': { id: 'w', rate: '10/s', service: 'nats', subject: 's' },
  'nats-subscribe': { id: 'w', rate: '1/s', service: 'nats', subject: 's' },
  'nats-consume': { id: 'w', rate: '2/s', service: 'nats', subject: 's', stream: 'S', durable: 'd' },
};

const kindsOf = (options: readonly { shape: { kind: { value: unknown } } }[]) => options.map((o) => o.shape.kind.value);

const registries = [
  { name: 'fault', kinds: FAULT_KINDS, schemas: FAULT_SCHEMAS, union: FaultSpec, minimal: MINIMAL_FAULTS as Record<string, object> },
  { name: 'probe', kinds: PROBE_KINDS, schemas: PROBE_SCHEMAS, union: ProbeSpec, minimal: MINIMAL_PROBES as Record<string, object> },
  { name: 'check', kinds: CHECK_KINDS, schemas: CHECK_SCHEMAS, union: CheckSpec, minimal: MINIMAL_CHECKS as Record<string, object> },
  { name: 'workload', kinds: WORKLOAD_KINDS, schemas: WORKLOAD_SCHEMAS, union: WorkloadSpec, minimal: MINIMAL_WORKLOADS as Record<string, object> },
];

describe.each(registries)('$name kinds', ({ kinds, schemas, union, minimal }) => {
  test('the kind list, the schema map and the union options name the same kinds, in the same order', () => {
    expect(kinds).toEqual(Object.keys(schemas));
    expect(kindsOf(union.options)).toEqual(kinds);
    expect(Object.keys(minimal).sort()).toEqual([...kinds].sort());
  });

  test.each([...kinds])('%s parses with a minimal object and keeps its kind', (kind) => {
    const r = union.safeParse({ kind, ...minimal[kind] });
    expect(r.error?.issues).toBeUndefined();
    expect(r.data?.kind).toBe(kind);
  });

  test('a kind that is not in the list is rejected', () => {
    expect(union.safeParse({ kind: 'not-a-kind', ...Object.values(minimal)[0] }).success).toBe(false);
  });

  test('kind names are kebab-case', () => {
    for (const k of kinds) expect(k).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });
});

test('the unknown-kind messages list exactly the registered kinds', () => {
  const problems = (input: object): string[] => {
    try {
      parseExperiment(input);
    } catch (err) {
      return (err as { problems: string[] }).problems;
    }
    return [];
  };
  const base = { name: 'x', hypothesis: 'h', method: [{ fault: { kind: 'container-kill', target: { service: 'a' } } }] };
  expect(problems({ ...base, method: [{ fault: { kind: 'nope', target: { service: 'a' } } }] })).toEqual([
    `method[0].fault.kind: unknown kind "nope"; expected one of: ${FAULT_KINDS.join(', ')}`,
  ]);
  expect(problems({ ...base, continuous: [{ probe: { kind: 'nope' } }] })).toEqual([
    `continuous[0].probe.kind: unknown kind "nope"; expected one of: ${PROBE_KINDS.join(', ')}`,
  ]);
  expect(problems({ ...base, checks: [{ kind: 'nope' }] })).toEqual([
    `checks[0].kind: unknown kind "nope"; expected one of: ${CHECK_KINDS.join(', ')}`,
  ]);
  expect(problems({ ...base, workloads: [{ id: 'w', kind: 'nope' }] })).toEqual([
    `workloads[0].kind: unknown kind "nope"; expected one of: ${WORKLOAD_KINDS.join(', ')}`,
  ]);
  expect(problems({ ...base, checks: [{ kind: 'time-to-green', probe: { kind: 'nope' }, within: '1s' }] })).toEqual([
    `checks[0].probe.kind: unknown kind "nope"; expected one of: ${PROBE_KINDS.join(', ')}`,
  ]);
});
