/**
 * Turns zod issues into one line each: `method[2].fault.target.service: unknown service "pg"`.
 * For unions it reports the branch the author meant, which is the one whose keys fit the input.
 */
import type { z } from 'zod';

const PLAIN_KEY = /^[A-Za-z0-9_$][A-Za-z0-9_$-]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    // A key a person could not type after a dot (":" or a space, say) is quoted: probes[":"].
    else if (!PLAIN_KEY.test(String(p))) out += `[${JSON.stringify(String(p))}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

type Issue = z.core.$ZodIssue;

/** Names the allowed kinds when a `kind` matches none: `unknown kind "x"; expected one of ...`. */
export type KindLookup = (path: PropertyKey[]) => { value: unknown; allowed: readonly string[] } | undefined;

export interface IssueHints {
  kind?: KindLookup;
  /** A better message for a union that failed at `path`, when the caller can tell what was meant. */
  union?: (path: PropertyKey[]) => string | undefined;
}

/**
 * Ranks a union branch, lower is better: a branch that rejects the input's type or keys at its own
 * level is not the one the author meant; among the rest, the one that got deepest wins.
 */
function rank(branch: Issue[]): number[] {
  const atRoot = branch.filter((i) => i.path.length === 0);
  const wrongType = atRoot.some((i) => i.code === 'invalid_type') ? 1 : 0;
  const unknownKeys = atRoot.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 0), 0);
  const depth = Math.max(0, ...branch.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 0 : 0.5)));
  return [wrongType, unknownKeys, -depth, branch.length];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export function flattenIssues(issues: Issue[], base: PropertyKey[] = [], hints: IssueHints = {}): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
      out.push(unknownKind(path, issue.discriminator, hints.kind));
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const hint = hints.union?.(path);
      if (hint) {
        out.push(`${formatPath(path)}: ${hint}`);
        continue;
      }
      const best = issue.errors
        .map((errors) => ({ errors, rank: rank(errors) }))
        .sort((a, b) => compareRanks(a.rank, b.rank))[0].errors;
      out.push(...flattenIssues(best, path, hints));
    } else if (issue.code === 'invalid_key') {
      // A record key its schema refused: the key's own messages, at the key's path.
      const inner = issue.issues.map((i) => i.message).filter((m) => m !== undefined && m !== '');
      out.push(`${formatPath(path)}: not a valid key${inner.length ? `: ${inner.join('; ')}` : ''}`);
    } else if (issue.code === 'unrecognized_keys') {
      out.push(`${formatPath(path)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
    } else {
      out.push(`${formatPath(path)}: ${issue.message}`);
    }
  }
  return [...new Set(out)];
}

function unknownKind(path: PropertyKey[], discriminator: string, kinds: KindLookup | undefined): string {
  const k = kinds?.(path);
  if (!k) return `${formatPath(path)}: unknown or missing "${discriminator}"`;
  const given = k.value === undefined ? `"${discriminator}" is required` : `unknown ${discriminator} ${JSON.stringify(k.value)}`;
  return `${formatPath(path)}: ${given}; expected one of: ${k.allowed.join(', ')}`;
}
