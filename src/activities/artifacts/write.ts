/**
 * Writes a run's artifacts under <root>/<folder of the workflow id>/ (see folder.ts): journal.json and
 * junit.xml. Rewriting them on a retry is harmless, so the activity is idempotent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Journal } from '../../report/journal';
import { toJUnit } from '../../report/junit';
import { runDir } from './folder';

export { artifactFolder, runDir } from './folder';

export async function writeJournalFiles(root: string, workflowId: string, journal: Journal): Promise<{ dir: string }> {
  const dir = runDir(root, workflowId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'journal.json'), JSON.stringify(journal, null, 2) + '\n');
  await writeFile(join(dir, 'junit.xml'), toJUnit(journal));
  return { dir };
}
