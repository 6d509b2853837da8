/**
 * The workflow bundle made at build time (`npm run build`, scripts/setup.sh), so a worker starts
 * without running webpack: bundling took 1.3 s of every `faultline run` on an idle machine and far
 * more under load. The bundle is used only when it was made from exactly the compiled files now in
 * dist/ (a hash of them is stored beside it); after any rebuild without a re-bundle, the worker
 * bundles as before. Under ts-jest (sources, not dist/) there is no prebuilt bundle.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export const BUNDLE_FILE = 'workflow-bundle.js';
export const BUNDLE_STAMP = 'workflow-bundle.json';

/** The compiled root this module runs from (dist/), or undefined when running from sources. */
export function distRoot(): string | undefined {
  return __filename.endsWith('.js') ? join(__dirname, '..') : undefined;
}

/** A hash of every compiled .js file under `root` (paths and contents), the bundle itself excluded. */
export function compiledHash(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js') && p !== join(root, BUNDLE_FILE)) h.update(relative(root, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(root);
  return h.digest('hex');
}

/** `{ codePath }` of a bundle made from the compiled files as they are now; otherwise undefined. */
export function prebuiltBundle(root = distRoot()): { codePath: string } | undefined {
  if (!root) return undefined;
  const codePath = join(root, BUNDLE_FILE);
  const stamp = join(root, BUNDLE_STAMP);
  if (!existsSync(codePath) || !existsSync(stamp)) return undefined;
  try {
    const { inputs } = JSON.parse(readFileSync(stamp, 'utf8')) as { inputs?: unknown };
    return inputs === compiledHash(root) ? { codePath } : undefined;
  } catch {
    return undefined;
  }
}
