/**
 * Property: any mutation of a shipped scenario either validates or is refused as a ValidationError
 * whose every problem names its path; the parser never throws anything else (a TypeError from a
 * refinement that assumed a shape, a RangeError, ...). The mutations replace, delete, retype or add
 * a value anywhere in the document, a few at a time. Seeded, so a failure reproduces.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { ValidationError } from '../../../src/errors';
import { parseExperiment } from '../../../src/spec';
import { repoPath } from '../../helpers/paths';

const DIR = repoPath('scenarios');
const SHIPPED = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ file: f, data: parse(readFileSync(join(DIR, f), 'utf8')) as unknown }));

type Path = (string | number)[];

/** Every path to a value in the document, the root included. */
function paths(v: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown };

/** Values a scenario author (or a hostile input) might put anywhere. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', ' ', '0s', '10ms', '99999999h', 'SIGFOO', '127.0.0.1', 'localhost', '../x', '__proto__', 'constructor', 'a'.repeat(300)),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant([]),
  fc.constant({}),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), value }),
  fc.constant({ kind: 'delete' as const }),
  fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.string(), fc.constantFrom('kind', 'target', 'every', 'timeout', 'id', '__proto__', 'x-extra')), value }),
);

function apply(doc: unknown, path: Path, m: Mutation): unknown {
  if (path.length === 0) return m.kind === 'replace' ? m.value : m.kind === 'delete' ? undefined : doc;
  const root = structuredClone(doc) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = root;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (m.kind === 'replace') parent[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    else parent[last] = m.value;
  }
  return root;
}

/** A problem line is `path: message`, where the path is `(root)` or keys, [indices] and ["quoted keys"]. */
const SEGMENT = String.raw`(?:[A-Za-z0-9_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;
const PROBLEM = new RegExp(String.raw`^(?:\(root\)|${SEGMENT}(?:\.[A-Za-z0-9_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): \S`);

function check(data: unknown, parser: (d: unknown) => unknown = (d) => parseExperiment(d, 'fuzz')): void {
  try {
    parser(data);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw new Error(`threw ${(err as Error)?.name}: ${(err as Error)?.message}\n${JSON.stringify(data)?.slice(0, 2000)}`, { cause: err });
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) if (!PROBLEM.test(p)) throw new Error(`a problem without a path: ${JSON.stringify(p)}`, { cause: err });
  }
}

test('the shipped scenarios themselves validate (the property starts from valid input)', () => {
  expect(SHIPPED.length).toBeGreaterThanOrEqual(5);
  for (const s of SHIPPED) expect(() => parseExperiment(s.data, s.file)).not.toThrow();
});

test('mutated scenarios validate or are refused with a path, never anything else', () => {
  const scenario = fc.constantFrom(...SHIPPED);
  const mutated = scenario.chain((s) => {
    const all = paths(s.data);
    return fc.array(fc.tuple(fc.constantFrom(...all), mutation), { minLength: 1, maxLength: 3 }).map((ms) => {
      let doc = s.data;
      for (const [path, m] of ms) {
        // A later mutation may aim below what an earlier one removed; it then changes nothing.
        try {
          doc = apply(doc, path, m);
        } catch {
          /* the path no longer exists */
        }
      }
      return doc;
    });
  });
  fc.assert(
    fc.property(mutated, (doc) => check(doc)),
    { numRuns: Number(process.env.FAULTLINE_FUZZ_RUNS ?? 3000), seed: Number(process.env.FAULTLINE_FUZZ_SEED ?? 20261202) },
  );
});

test('negative control: the check catches a parser that throws something else, or a problem without its path', () => {
  expect(() =>
    check({ name: 'x' }, () => {
      throw new TypeError('boom');
    }),
  ).toThrow(/threw TypeError: boom/);
  expect(() =>
    check({ name: 'x' }, () => {
      throw new ValidationError('fuzz', ['expected a mapping']);
    }),
  ).toThrow('a problem without a path: "expected a mapping"');
});
