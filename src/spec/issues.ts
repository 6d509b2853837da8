import type { z } from 'zod';

/**
 * Turns zod issues into one line each: `method[2].fault.target.service: unknown service "pg"`.
 * For unions it reports the branch that got furthest, which is the one the author meant.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

type Issue = z.core.$ZodIssue;

function depth(issues: Issue[]): number {
  return Math.max(...issues.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 0 : 0.5)));
}

/** Names the allowed kinds when a `kind` matches none: `unknown kind "x"; expected one of ...`. */
export type KindLookup = (path: PropertyKey[]) => { value: unknown; allowed: readonly string[] } | undefined;

export function flattenIssues(issues: Issue[], base: PropertyKey[] = [], kinds?: KindLookup): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
      out.push(...flattenIssues(best, path, kinds));
    } else if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
      const k = kinds?.(path);
      out.push(
        k
          ? `${formatPath(path)}: unknown kind ${JSON.stringify(k.value)}; expected one of: ${k.allowed.join(', ')}`
          : `${formatPath(path)}: unknown or missing "${issue.discriminator}"`,
      );
    } else if (issue.code === 'unrecognized_keys') {
      out.push(`${formatPath(path)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
    } else {
      out.push(`${formatPath(path)}: ${issue.message}`);
    }
  }
  return [...new Set(out)];
}
