/**
 * tc netem qdiscs in a target's network namespace, for machines whose kernel has sch_netem. The
 * qdisc's handle is derived from the fault id, so restore deletes only a qdisc this fault added.
 * Support is detected by trying: the kernel's "unknown qdisc" answer becomes a clear error.
 */
import { createHash } from 'node:crypto';
import { FaultlineError } from '../../errors';
import type { NetOps } from './ops';

/** A handle major number in 0x100..0xfeff, away from the small numbers people pick by hand. */
export function netemHandle(faultId: string): string {
  const n = parseInt(createHash('sha256').update(faultId).digest('hex').slice(0, 4), 16);
  return ((n % 0xfe00) + 0x100).toString(16);
}

/** What tc says when the kernel has no sch_netem ("Error: Specified qdisc kind is unknown."). */
const MISSING = /qdisc kind is unknown|unknown qdisc/i;

export async function interfaces(net: NetOps, pid: number): Promise<string[]> {
  const r = await net.inNetns(pid, ['ip', '-o', 'link', 'show']);
  if (r.code !== 0) throw new FaultlineError('NetemFailed', `ip link failed: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((i): i is string => i !== undefined && i !== 'lo');
}

/** Interfaces whose root qdisc is this fault's netem. */
export async function ownedBy(net: NetOps, pid: number, handle: string): Promise<string[]> {
  const out: string[] = [];
  for (const dev of await interfaces(net, pid)) {
    const r = await net.inNetns(pid, ['tc', 'qdisc', 'show', 'dev', dev, 'root']);
    if (r.stdout.includes(`netem ${handle}: root`)) out.push(dev);
  }
  return out;
}

export async function addNetem(net: NetOps, pid: number, handle: string, args: string[]): Promise<string[]> {
  const mine = new Set(await ownedBy(net, pid, handle));
  const devs = await interfaces(net, pid);
  for (const dev of devs.filter((d) => !mine.has(d))) {
    const r = await net.inNetns(pid, ['tc', 'qdisc', 'add', 'dev', dev, 'root', 'handle', `${handle}:`, 'netem', ...args]);
    if (r.code === 0) continue;
    const why = r.stderr.trim();
    if (MISSING.test(why)) {
      throw new FaultlineError('NetemUnavailable', `tc netem is not available on this kernel: the "netem" qdisc is missing (tc said: ${why})`, {
        retryable: false,
        hint: 'use via: toxiproxy (the default) and route the traffic through a Toxiproxy service of the stack',
      });
    }
    throw new FaultlineError('NetemFailed', `tc qdisc add dev ${dev} netem ${args.join(' ')}: ${why}`, { context: { dev, handle } });
  }
  return devs;
}

export async function deleteNetem(net: NetOps, pid: number, handle: string): Promise<number> {
  const devs = await ownedBy(net, pid, handle);
  for (const dev of devs) await net.inNetns(pid, ['tc', 'qdisc', 'del', 'dev', dev, 'root', 'handle', `${handle}:`]);
  return devs.length;
}

/** POSIX sh for the self-revert helper: delete this handle's root qdisc on every interface. */
export function netemRevertScript(handle: string): string {
  return [
    "for dev in $(ip -o link show | sed -n 's/^[0-9]*: \\([^:@ ]*\\).*/\\1/p' | grep -v '^lo$'); do",
    `  tc qdisc show dev "$dev" root | grep -q 'netem ${handle}: root' && tc qdisc del dev "$dev" root handle ${handle}: || true`,
    'done',
  ].join('\n');
}
