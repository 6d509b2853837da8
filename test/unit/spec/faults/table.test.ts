/**
 * The fault table of docs/faults.md is generated from the kind declarations and must be fresh, like
 * schema/experiment.schema.json: the docs cannot drift from what the code declares.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FAULT_TABLE_BEGIN, FAULT_TABLE_END, faultTable, withFaultTable } from '../../../../src/spec/faults/table';
import { FAULT_DECLARATION_LIST, FAULT_KINDS } from '../../../../src/spec/faults';

const FILE = join(resolve(__dirname, '../../../..'), 'docs/faults.md');

test('docs/faults.md carries the table the declarations generate', () => {
  // UPDATE_DOCS=1 rewrites it, for machines where dist/ is not built yet.
  if (process.env.UPDATE_DOCS === '1') writeFileSync(FILE, withFaultTable(readFileSync(FILE, 'utf8')));
  const text = readFileSync(FILE, 'utf8');
  if (withFaultTable(text) !== text) {
    throw new Error('the fault table in docs/faults.md is stale; regenerate it with `npm run build && npm run docs` (or `UPDATE_DOCS=1 npx jest test/unit/spec/faults/table`)');
  }
  expect(text).toContain(`${FAULT_TABLE_BEGIN}\n${faultTable()}\n${FAULT_TABLE_END}`);
});

test('one row per declared kind, in declaration order, saying whether it has a dead-man switch', () => {
  const rows = faultTable().split('\n').slice(2);
  expect(rows.map((r) => /^\| `([a-z-]+)` \|/.exec(r)?.[1])).toEqual(FAULT_KINDS);
  rows.forEach((r, i) => {
    const d = FAULT_DECLARATION_LIST[i];
    expect(r).toContain(`| ${d.capabilities.selfRevert ? 'yes' : 'no'} | ${d.docs.host} |`);
    expect(r).toContain(d.docs.breaks);
  });
});

test('the text outside the markers is kept as written', () => {
  const doc = `# x\n\nbefore\n\n${FAULT_TABLE_BEGIN}\nold table\n${FAULT_TABLE_END}\n\nafter\n`;
  const out = withFaultTable(doc);
  expect(out.startsWith('# x\n\nbefore\n\n')).toBe(true);
  expect(out.endsWith(`${FAULT_TABLE_END}\n\nafter\n`)).toBe(true);
  expect(out).not.toContain('old table');
  expect(() => withFaultTable('# no markers')).toThrow(/markers are missing/);
});
