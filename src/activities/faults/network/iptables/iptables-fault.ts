/**
 * The shared body of the iptables fault kinds (partition, loss): resolve the target's namespace and
 * its peers, then add this fault's tagged rules; restore deletes the rules with this fault's tag and
 * nothing else. A stopped or restarted container got a fresh namespace, so its rules are gone too.
 */
import { FaultlineError } from '../../../../errors';
import { type Rule, addRules, deleteTagged, revertScript, tagOf, taggedRules } from '../../../net/iptables';
import type { NetInfo, NetOps } from '../../../net/ops';
import { peerAddresses } from '../../../net/peers';
import { type ContainerOps, ContainerGoneError } from '../../../ports';
import type { ContainerRef } from '../../../types';
import type { FaultContext, FaultDriver, SelfRevert, TargetOutcome } from '../../driver';

export interface TrafficFault {
  peers?: string[];
  ports?: number[];
  protocol: 'tcp' | 'udp';
  direction: 'both' | 'ingress' | 'egress';
}

/** The ports of the iptables kinds: the network, and the containers to resolve peers among. */
export interface IptablesPorts {
  ops: ContainerOps;
  net: NetOps;
}

/** `extra` matches go between the selectors and `-j DROP`, e.g. a random statistic for loss. */
export function iptablesDriver<F extends TrafficFault>(ports: IptablesPorts, verb: string, extra: (f: F) => string[]): FaultDriver<F> {
  const { ops, net } = ports;
  return {
    async inject(ctx: FaultContext<F>): Promise<string> {
      const info = await runningInfo(net, ctx.target);
      const ips = ctx.fault.peers ? await peerAddresses(ops, net, info, ctx.fault.peers) : [];
      const rules = trafficRules(ctx.fault, ips, extra(ctx.fault));
      const tag = tagOf(ctx.faultId);
      // A retried inject may find some of its rules: start from none so each rule exists once.
      await deleteTagged(net, info.pid, tag);
      await addRules(net, info.pid, tag, rules);
      return `${ctx.target.name}: ${verb} with ${rules.length} iptables rule(s) tagged ${tag}${ips.length ? ` (peers ${ips.join(', ')})` : ''}`;
    },

    async restore(ctx: FaultContext<F>): Promise<TargetOutcome> {
      const info = await net.info(ctx.target.id);
      if (!info) return { outcome: 'gone' };
      if (info.pid === 0) return { outcome: 'already-clean', detail: 'not running: its namespace and rules are gone' };
      const n = await deleteTagged(net, info.pid, tagOf(ctx.faultId));
      return n > 0 ? { outcome: 'restored', detail: `removed ${n} rule(s)` } : { outcome: 'already-clean' };
    },

    async verify(ctx: FaultContext<F>): Promise<string[]> {
      const info = await net.info(ctx.target.id);
      if (!info || info.pid === 0) return [];
      const left = await taggedRules(net, info.pid, tagOf(ctx.faultId));
      return left.map((r) => `${ctx.target.name}: iptables rule left: ${r}`);
    },

    selfRevert(ctx: FaultContext<F>): SelfRevert {
      return { netnsOf: ctx.target.id, netAdmin: true, script: revertScript(tagOf(ctx.faultId)) };
    },
  };
}

/** Both directions unless told otherwise; ports match on either end so replies are cut too. */
export function trafficRules(f: TrafficFault, ips: string[], extra: string[]): Rule[] {
  const rules: Rule[] = [];
  const portMatches = f.ports ? f.ports.flatMap((p) => [['--dport', String(p)], ['--sport', String(p)]]) : [undefined];
  const chains: Array<['INPUT' | 'OUTPUT', string, string]> = [];
  if (f.direction !== 'egress') chains.push(['INPUT', '-s', '-i']);
  if (f.direction !== 'ingress') chains.push(['OUTPUT', '-d', '-o']);
  for (const [chain, addrFlag, ifFlag] of chains) {
    for (const ip of ips.length > 0 ? ips : [undefined]) {
      for (const pm of portMatches) {
        const args: string[] = [];
        // Without peers, never touch loopback: health checks and local clients use it.
        if (ip) args.push(addrFlag, ip);
        else args.push('!', ifFlag, 'lo');
        if (pm) args.push('-p', f.protocol, ...pm);
        rules.push({ chain, args: [...args, ...extra, '-j', 'DROP'] });
      }
    }
  }
  return rules;
}

async function runningInfo(net: NetOps, target: ContainerRef): Promise<NetInfo> {
  const info = await net.info(target.id);
  if (!info) throw new ContainerGoneError(target.id, 'inject');
  if (info.pid === 0) {
    throw new FaultlineError('TargetNotRunning', `${target.name} is not running, so it has no network namespace to break`, {
      retryable: false,
    });
  }
  return info;
}
