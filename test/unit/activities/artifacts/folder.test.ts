/**
 * Workflow ids become artifact folders that never leave the artifacts root and never share a folder:
 * `..` used to write into the root's parent, and `a/b` and `a_b` used to share one. The usual ids
 * keep mapping to themselves, as the docs and the other tests expect.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { artifactFolder, runDir, writeJournalFiles } from '../../../../src/activities/artifacts/write';
import { historyFile } from '../../../../src/activities/workloads/history';
import { emptyJournal } from '../../../../src/report/journal';

let base: string;
let root: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'fl-artifacts-'));
  root = join(base, 'artifacts');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const journal = (workflowId: string) => emptyJournal({ workflowId, runId: 'r', experiment: 'x', hypothesis: 'h', startedAt: 0, outcome: 'passed' });
const inside = (dir: string) => {
  const rel = relative(root, dir);
  return rel.length > 0 && !rel.startsWith('..') && !rel.includes(sep);
};

test('the usual ids map to themselves', () => {
  for (const id of ['nats-kill-recovery-20261123-121753-5025', 'wf-1', 'run_2.retry']) {
    expect(artifactFolder(id)).toBe(id);
    expect(runDir(root, id)).toBe(join(root, id));
  }
});

test.each(['..', '.', '', '../escape', '/etc', 'a/../../b', '..\\..\\b', '.hidden'])('%j stays one folder inside the root', async (id) => {
  const { dir } = await writeJournalFiles(root, id, journal(id));
  expect(inside(dir)).toBe(true);
  expect(existsSync(join(dir, 'journal.json'))).toBe(true);
  expect(inside(join(historyFile(root, id, 'w'), '..', '..'))).toBe(true);
  // Nothing was written beside the root.
  expect(readdirSync(base)).toEqual(['artifacts']);
});

test('ids that used to share a folder get their own, also on a case-insensitive file system', async () => {
  const ids = ['a/b', 'a_b', 'a:b', 'a b', 'A_b', 'A/b', 'x'.repeat(300), 'x'.repeat(301)];
  const folders = ids.map(artifactFolder);
  expect(new Set(folders.map((f) => f.toLowerCase())).size).toBe(ids.length);
  for (const id of ids) await writeJournalFiles(root, id, journal(id));
  expect(readdirSync(root)).toHaveLength(ids.length);
  expect(folders.every((f) => f.length <= 120)).toBe(true);
});

test('a mapped id cannot meet a plain one: plain folders never hold "~"', () => {
  const mapped = artifactFolder('a/b');
  expect(mapped).toMatch(/^a_b~[0-9a-f]{16}$/);
  // Spelling that folder out as a workflow id maps it elsewhere, since "~" is not plain.
  expect(artifactFolder(mapped)).not.toBe(mapped);
  expect(artifactFolder('a/b')).toBe(mapped);
});
