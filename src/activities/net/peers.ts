/**
 * Peers of a network fault are compose services of the target's own stack. Each resolves to the
 * addresses its containers have on the networks the target is also on: the only addresses whose
 * traffic can reach the target directly.
 */
import { FaultlineError } from '../../errors';
import type { ContainerOps } from '../ports';
import type { NetInfo, NetOps } from './ops';

export async function peerAddresses(ops: ContainerOps, net: NetOps, target: NetInfo, peers: string[]): Promise<string[]> {
  if (!target.project) {
    throw new FaultlineError('InvalidFault', 'the target belongs to no compose project, so its peers cannot be resolved by service', {
      retryable: false,
      hint: 'give "ports" instead of "peers" for a container outside a stack',
    });
  }
  const shared = new Set(Object.keys(target.addresses));
  const out = new Set<string>();
  for (const service of peers) {
    const refs = await ops.list({ project: target.project, service });
    if (refs.length === 0) {
      throw new FaultlineError('TargetNotFound', `peer service "${service}" has no container in project ${target.project}`, {
        retryable: false,
      });
    }
    let found = 0;
    for (const ref of refs) {
      const info = await net.info(ref.id);
      for (const [network, ip] of Object.entries(info?.addresses ?? {})) {
        if (shared.has(network)) {
          out.add(ip);
          found++;
        }
      }
    }
    if (found === 0) {
      // A stopped peer has no address yet; it may get one when it starts, so let the inject retry.
      throw new FaultlineError('PeerUnreachable', `peer service "${service}" has no running container on a network shared with the target`, {
        context: { service, networks: [...shared] },
      });
    }
  }
  return [...out].sort();
}
