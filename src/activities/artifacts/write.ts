/**
 * Writes a run's artifacts under <root>/<workflowId>/: journal.json and junit.xml. Rewriting them on
 * a retry is harmless, so the activity is idempotent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Journal } from '../../report/journal';
import { toJUnit } from '../../report/junit';

export function runDir(root: string, workflowId: string): string {
  return join(root, workflowId.replace(/[^A-Za-z0-9._-]+/g, '_'));
}

export async function writeJournalFiles(root: string, workflowId: string, journal: Journal): Promise<{ dir: string }> {
  const dir = runDir(root, workflowId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'journal.json'), JSON.stringify(journal, null, 2) + '\n');
  await writeFile(join(dir, 'junit.xml'), toJUnit(journal));
  return { dir };
}
