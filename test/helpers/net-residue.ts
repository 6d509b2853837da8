/**
 * Network residue across a project, whichever run or fault left it: iptables rules carrying a
 * Faultline tag in any running container, and Faultline toxics in any running Toxiproxy (a
 * container exposing the API port). Tests use it to see what a run left behind; the product's own
 * residue scan asks each fault's driver (`verifyFault`) instead.
 */
import { TOXIPROXY_PORT, apiOf } from '../../src/activities/faults/network/proxy/proxy-fault';
import { taggedRules } from '../../src/activities/net/iptables';
import type { NetOps } from '../../src/activities/net/ops';
import { TOXIC_PREFIX } from '../../src/activities/net/toxiproxy';
import type { ContainerOps } from '../../src/activities/ports';
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
