/**
 * iptables rules owned by one fault. Every rule carries `-m comment --comment <tag>`, the tag being
 * derived from the fault id, so restore deletes exactly that fault's rules (another fault on the same
 * target keeps its own), verify and the residue scan can find leftovers, and a self-revert script
 * can do the same with nothing but iptables-save and sh.
 */
import { createHash } from 'node:crypto';
import { FaultlineError } from '../../errors';
import type { NetOps } from './ops';

/** Every Faultline rule comment starts with this, so a residue scan finds rules of any run. */
export const TAG_PREFIX = 'faultline:';

export function tagOf(faultId: string): string {
  return TAG_PREFIX + createHash('sha256').update(faultId).digest('hex').slice(0, 20);
}

/** One rule without its tag: a chain and the match and target arguments. */
export interface Rule {
  chain: 'INPUT' | 'OUTPUT';
  args: string[];
}

const WAIT = ['-w', '5'];

/** Rules as iptables-save prints them (`-A CHAIN ...`), with the tag each carries, if any. */
export async function listRules(net: NetOps, pid: number): Promise<Array<{ tag?: string; tokens: string[] }>> {
  const r = await net.inNetns(pid, ['iptables-save', '-t', 'filter']);
  if (r.code !== 0) throw new FaultlineError('IptablesFailed', `iptables-save failed: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('-A '))
    .map((l) => {
      const tokens = l.split(/\s+/).filter(Boolean).map(unquote);
      const i = tokens.indexOf('--comment');
      const tag = i >= 0 && tokens[i + 1]?.startsWith(TAG_PREFIX) ? tokens[i + 1] : undefined;
      return { tag, tokens };
    });
}

const unquote = (t: string): string => (t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t);

/** Inserts the rules at the top of their chains so no earlier ACCEPT lets the traffic through. */
export async function addRules(net: NetOps, pid: number, tag: string, rules: Rule[]): Promise<void> {
  for (const rule of rules) {
    const [match, target] = splitTarget(rule.args);
    await iptables(net, pid, ['-I', rule.chain, '1', ...match, '-m', 'comment', '--comment', tag, ...target]);
  }
}

/** Deletes every rule carrying `tag`; returns how many there were. */
export async function deleteTagged(net: NetOps, pid: number, tag: string): Promise<number> {
  const mine = (await listRules(net, pid)).filter((r) => r.tag === tag);
  for (const r of mine) await iptables(net, pid, ['-D', ...r.tokens.slice(1)]);
  return mine.length;
}

/** Rules of `tag` still present, or of any Faultline fault when `tag` is omitted (residue scan). */
export async function taggedRules(net: NetOps, pid: number, tag?: string): Promise<string[]> {
  const rules = await listRules(net, pid);
  return rules.filter((r) => (tag === undefined ? r.tag !== undefined : r.tag === tag)).map((r) => r.tokens.join(' '));
}

/** POSIX sh that deletes this tag's rules; idempotent, run inside the target's namespace. */
export function revertScript(tag: string): string {
  return [
    // iptables-save quotes comments; tags are fixed-length hex, so a plain substring match is exact.
    `iptables-save -t filter | grep -F -- '${tag}' | sed -e 's/^-A /-D /' -e 's/"//g' |`,
    '  while read -r rule; do iptables -w 5 $rule || true; done',
  ].join('\n');
}

function splitTarget(args: string[]): [string[], string[]] {
  const j = args.indexOf('-j');
  return j < 0 ? [args, []] : [args.slice(0, j), args.slice(j)];
}

async function iptables(net: NetOps, pid: number, args: string[]): Promise<void> {
  const r = await net.inNetns(pid, ['iptables', ...WAIT, ...args]);
  if (r.code !== 0) {
    throw new FaultlineError('IptablesFailed', `iptables ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`, {
      context: { pid, args },
    });
  }
}
