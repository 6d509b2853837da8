/**
 * Residue scans for network faults across a project, whichever run or fault left them: iptables
 * rules carrying a Faultline tag in any running container, and Faultline toxics in any running
 * Toxiproxy (a container exposing the API port). For the janitor and the residue scan.
 */
import { TOXIPROXY_PORT, apiOf } from '../faults/proxy-fault';
import type { ContainerOps } from '../ports';
import { taggedRules } from './iptables';
import type { NetOps } from './ops';
import { TOXIC_PREFIX } from './toxiproxy';

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

export async function faultlineToxicsInProject(ops: ContainerOps, net: NetOps, project: string): Promise<string[]> {
  const out: string[] = [];
  for (const c of await ops.list({ project })) {
    const info = await net.info(c.id);
    if (!info || info.pid === 0 || !info.exposed.includes(`${TOXIPROXY_PORT}/tcp`)) continue;
    for (const t of await apiOf(info).allToxics()) if (t.split('/').pop()?.startsWith(TOXIC_PREFIX)) out.push(`${c.name}: toxic ${t}`);
  }
  return out;
}
