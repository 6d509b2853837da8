/**
 * Where things are in the repository, for tests at any depth: a test names a file by its path from
 * the repository root instead of counting `..` from its own folder, so moving a test moves nothing else.
 */
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** A path inside the repository, given from its root: repoPath('infra/docker/docker-compose.chaos.yml'). */
export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}
