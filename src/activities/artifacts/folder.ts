/**
 * The folder a run's artifacts live in, <root>/<folder>/. A workflow id is any string, so it cannot
 * be used as a path as it is: `..` would write into the artifacts root's parent and `a/b` would
 * nest. Ids that are already a plain lower-case name map to themselves (the usual
 * `<experiment>-<stamp>` ids do); any other id maps to a slug plus `~` and a hash of the exact id.
 * Plain names never contain `~`, so the two forms cannot meet, and `a/b`, `a_b` and `A_b` stay apart
 * even on a case-insensitive file system.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Starts with no dot (so never `.`, `..` or hidden), lower case, short enough for any file system. */
const PLAIN = /^[a-z0-9_-][a-z0-9._-]{0,119}$/;
const SLUG_MAX = 100;

export function artifactFolder(workflowId: string): string {
  if (PLAIN.test(workflowId)) return workflowId;
  const slug = workflowId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, SLUG_MAX) || '_';
  const hash = createHash('sha256').update(workflowId, 'utf8').digest('hex').slice(0, 16);
  return `${slug}~${hash}`;
}

/** Where artifacts of the run with this workflow id are written and read: journals, histories, logs. */
export function runDir(root: string, workflowId: string): string {
  return join(root, artifactFolder(workflowId));
}
