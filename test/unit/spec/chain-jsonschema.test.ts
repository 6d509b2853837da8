/** schema/chain.schema.json: fresh, accepts the shipped game-day chain, refuses what the loader refuses structurally. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { CHAIN_SCHEMA_ID, chainJsonSchema } from '../../../src/spec/jsonschema';
import { validate } from '../../helpers/json-schema-check';
import { repoPath } from '../../helpers/paths';

const SCHEMA_FILE = repoPath('schema/chain.schema.json');
const generated = JSON.stringify(chainJsonSchema(), null, 2) + '\n';
const schema = JSON.parse(generated) as Record<string, unknown>;
const example = () => parse(readFileSync(repoPath('examples/game-day.yaml'), 'utf8')) as Record<string, unknown>;

test('schema/chain.schema.json matches the zod schemas', () => {
  if (process.env.UPDATE_SCHEMA === '1') {
    mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
    writeFileSync(SCHEMA_FILE, generated);
  }
  const stale = 'schema/chain.schema.json is stale; regenerate it with `npm run build && npm run schema` (or `UPDATE_SCHEMA=1 npx jest test/unit/spec/chain-jsonschema`)';
  if (!existsSync(SCHEMA_FILE)) throw new Error(stale);
  if (readFileSync(SCHEMA_FILE, 'utf8') !== generated) throw new Error(stale);
});

test('the chain schema names itself and requires name and steps', () => {
  expect(schema).toMatchObject({ $id: CHAIN_SCHEMA_ID, title: 'Faultline chain', required: ['name', 'steps'], additionalProperties: false });
});

test('the game-day example is valid against the schema', () => {
  expect(validate(schema, example())).toEqual([]);
});

test.each([
  ['an unknown top-level key', (c: Record<string, unknown>) => ({ ...c, retries: 2 })],
  ['a step with an unknown key', (c: Record<string, unknown>) => ({ ...c, steps: [{ sleep: '1s' }] })],
  ['a nested step with a bad fault kind', (c: Record<string, unknown>) => ({ ...c, sharedStack: { compose: 'x.yml' }, steps: [{ parallel: [{ fault: { kind: 'disk-fill' }, duration: '1s' }] }] })],
  ['an inline experiment without a hypothesis', (c: Record<string, unknown>) => ({ ...c, steps: [{ experiment: { name: 'x', method: [{ wait: '1s' }] } }] })],
])('the schema refuses %s (the example itself passes)', (_what, change) => {
  expect(validate(schema, change(example()))).not.toEqual([]);
});
