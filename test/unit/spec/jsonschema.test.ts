import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { CHECK_KINDS, FAULT_KINDS, PROBE_KINDS } from '../../../src/spec';
import { EXPERIMENT_SCHEMA_ID, experimentJsonSchema } from '../../../src/spec/jsonschema';
import { validate } from '../../helpers/json-schema-check';
import { repoPath } from '../../helpers/paths';

const ROOT = repoPath();
const SCHEMA_FILE = join(ROOT, 'schema/experiment.schema.json');
const FIXTURES = join(ROOT, 'test/fixtures/scenarios');
/** The exact text `faultline schema --out` writes. */
const generated = JSON.stringify(experimentJsonSchema(), null, 2) + '\n';
const schema = JSON.parse(generated) as Record<string, unknown>;

const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as unknown] as const);

test('schema/experiment.schema.json matches the zod schemas', () => {
  // UPDATE_SCHEMA=1 rewrites the file, for machines where the CLI is not built yet.
  if (process.env.UPDATE_SCHEMA === '1') {
    mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
    writeFileSync(SCHEMA_FILE, generated);
  }
  const stale = 'schema/experiment.schema.json is stale; regenerate it with `npm run build && npm run schema` (or `UPDATE_SCHEMA=1 npx jest test/unit/spec/jsonschema`)';
  if (!existsSync(SCHEMA_FILE)) throw new Error(stale);
  if (readFileSync(SCHEMA_FILE, 'utf8') !== generated) throw new Error(stale);
});

test('the schema names itself and describes the input side', () => {
  expect(schema).toMatchObject({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: EXPERIMENT_SCHEMA_ID,
    title: 'Faultline experiment',
    required: ['name', 'hypothesis', 'method'],
    additionalProperties: false,
  });
});

test('every fault, probe and check kind has its own definition', () => {
  const defs = Object.values(schema.$defs as Record<string, { title?: string }>).map((d) => d.title);
  for (const kind of [...FAULT_KINDS, ...PROBE_KINDS, ...CHECK_KINDS]) expect(defs).toContain(kind);
});

test.each(yamlIn(join(FIXTURES, 'valid')))('valid/%s validates under the JSON Schema', (_file, data) => {
  expect(validate(schema, data)).toEqual([]);
});

test.each(yamlIn(join(ROOT, 'scenarios')))('scenarios/%s validates under the JSON Schema', (_file, data) => {
  expect(validate(schema, data)).toEqual([]);
});

/** Rules JSON Schema can state are flagged by editors too; the rest (references, loopback) only by the loader. */
test.each([
  'unknown-fault-kind.yaml',
  'unknown-top-level-key.yaml',
  'unknown-fault-key.yaml',
  'target-both.yaml',
  'target-none.yaml',
  'mode-percent-zero.yaml',
  'mode-percent-150.yaml',
  'mode-count-zero.yaml',
  'bad-duration.yaml',
  'bad-signal.yaml',
  'http-no-address.yaml',
  'step-with-two-kinds.yaml',
  'empty-method.yaml',
  'missing-name.yaml',
])('invalid/%s is rejected by the JSON Schema as well', (file) => {
  const data = parse(readFileSync(join(FIXTURES, 'invalid', file), 'utf8')) as unknown;
  expect(validate(schema, data)).not.toEqual([]);
});
