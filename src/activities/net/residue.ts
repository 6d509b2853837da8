/**
 * Residue scan for network faults: every iptables rule carrying a Faultline tag in any running
 * container of a project, whichever run or fault left it. Used after restore and by the janitor.
 */
import type { ContainerOps } from '../ports';
import { taggedRules } from './iptables';
import type { NetOps } from './ops';

export async function taggedRulesInProject(ops: ContainerOps, net: NetOps, project: string): Promise<string[]> {
  const out: string[] = [];
  for (const c of await ops.list({ project })) {
    const info = await net.info(c.id);
    // A stopped container has no namespace, so no rule can survive in it.
    if (!info || info.pid === 0) continue;
    for (const rule of await taggedRules(net, info.pid)) out.push(`${c.name}: ${rule}`);
  }
  return out;
}
