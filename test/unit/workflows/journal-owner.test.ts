/**
 * The run recorder is the journal's only writer: no other workflow file assigns or pushes to a
 * journal field. A textual guard, so a new direct write fails here with the file and line to fix.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '..', '..', '..', 'src', 'workflows');
const WRITE = /\bjournal\.\w+(\.\w+)*\s*(=(?!=)|\?\?=|\+=)|\bjournal\.\w+\.(push|unshift|splice)\(|Object\.assign\(\s*(journal|entry)\b/;

test('only src/workflows/recorder.ts writes the journal', () => {
  const writes = readdirSync(DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'recorder.ts')
    .flatMap((f) =>
      readFileSync(join(DIR, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (WRITE.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
  expect(writes).toEqual([]);
});

test('negative control: the guard sees the writes it forbids', () => {
  for (const line of ['journal.outcome = "dirty";', 'journal.reasons.push(x);', '(journal.controls ??= []).push(c);', 'Object.assign(entry, { a: 1 });']) {
    expect(WRITE.test(line)).toBe(true);
  }
  expect(WRITE.test('if (journal.outcome === "passed") return;')).toBe(false);
});
