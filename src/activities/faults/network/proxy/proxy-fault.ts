/**
 * The shared body of the proxy fault kinds (latency, bandwidth, timeout, reset). With
 * `via: toxiproxy` the target is a Toxiproxy container and the fault is one toxic, named after the
 * fault id, on one proxy; with `via: netem` it is a netem root qdisc in the target's namespace.
 */
import { FaultlineError } from '../../../../errors';
import { addNetem, deleteNetem, netemHandle, netemRevertScript, ownedBy } from '../../../net/netem';
import type { NetInfo, NetOps } from '../../../net/ops';
import { type Toxic, ToxiproxyApi, toxicName } from '../../../net/toxiproxy';
import type { FaultContext, FaultDriver, SelfRevert, TargetOutcome } from '../../driver';

export interface ProxyFault {
  via: 'toxiproxy' | 'netem';
  proxy?: string;
  stream: 'downstream' | 'upstream';
  toxicity: number;
}

export const TOXIPROXY_PORT = 8474;

/** Deletes the toxic; the proxy name is restricted to [A-Za-z0-9._-] at validation, so it needs no URL encoding. */
const TOXIC_REVERT = `curl -sS -o /dev/null -X DELETE "http://127.0.0.1:${TOXIPROXY_PORT}/proxies/$FL_PROXY/toxics/$FL_TOXIC" || true`;

export interface ProxyFaultSpec<F> {
  verb: (f: F) => string;
  toxic: (f: F) => Pick<Toxic, 'type' | 'attributes'>;
  /** netem arguments; absent when the kernel has no equivalent (reset). */
  netem?: (f: F) => string[];
}

export function proxyDriver<F extends ProxyFault>(ports: { net: NetOps }, spec: ProxyFaultSpec<F>): FaultDriver<F> {
  const { net } = ports;
  return {
    async inject(ctx: FaultContext<F>): Promise<string> {
      const info = await net.info(ctx.target.id);
      if (!info || info.pid === 0) {
        throw new FaultlineError('TargetNotRunning', `${ctx.target.name} is not running`, { retryable: false });
      }
      const f = ctx.fault;
      if (f.via === 'netem') {
        if (!spec.netem) throw new FaultlineError('InvalidFault', `${spec.verb(f)} has no netem form`, { retryable: false });
        const devs = await addNetem(net, info.pid, netemHandle(ctx.faultId), spec.netem(f));
        return `${ctx.target.name}: ${spec.verb(f)} with netem handle ${netemHandle(ctx.faultId)}: on ${devs.join(', ')}`;
      }
      const name = toxicName(ctx.faultId);
      await apiOf(info).add(proxyOf(f), { name, stream: f.stream, toxicity: f.toxicity, ...spec.toxic(f) });
      return `${ctx.target.name}: ${spec.verb(f)} on proxy ${proxyOf(f)} (${f.stream}), toxic ${name}`;
    },

    async restore(ctx: FaultContext<F>): Promise<TargetOutcome> {
      const info = await net.info(ctx.target.id);
      if (!info) return { outcome: 'gone' };
      // Toxics live in Toxiproxy's memory and qdiscs in the namespace: a stopped target lost both.
      if (info.pid === 0) return { outcome: 'already-clean', detail: 'not running: its toxics/qdiscs are gone' };
      if (ctx.fault.via === 'netem') {
        const n = await deleteNetem(net, info.pid, netemHandle(ctx.faultId));
        return n > 0 ? { outcome: 'restored', detail: `removed netem from ${n} interface(s)` } : { outcome: 'already-clean' };
      }
      const removed = await apiOf(info).remove(proxyOf(ctx.fault), toxicName(ctx.faultId));
      return removed ? { outcome: 'restored', detail: `removed toxic ${toxicName(ctx.faultId)}` } : { outcome: 'already-clean' };
    },

    async verify(ctx: FaultContext<F>): Promise<string[]> {
      const info = await net.info(ctx.target.id);
      if (!info || info.pid === 0) return [];
      if (ctx.fault.via === 'netem') {
        const devs = await ownedBy(net, info.pid, netemHandle(ctx.faultId));
        return devs.map((d) => `${ctx.target.name}: netem qdisc ${netemHandle(ctx.faultId)}: left on ${d}`);
      }
      const mine = `${proxyOf(ctx.fault)}/${toxicName(ctx.faultId)}`;
      const left = (await apiOf(info).allToxics()).filter((t) => t === mine);
      return left.map((t) => `${ctx.target.name}: toxic left: ${t}`);
    },

    selfRevert(ctx: FaultContext<F>): SelfRevert {
      const f = ctx.fault;
      if (f.via === 'netem') return { netnsOf: ctx.target.id, netAdmin: true, script: netemRevertScript(netemHandle(ctx.faultId)) };
      // Inside Toxiproxy's own namespace its API is on loopback, whatever the stack's networks are;
      // curl needs no capability there. The proxy's name is data: it reaches the script as a variable.
      return { netnsOf: ctx.target.id, env: { FL_PROXY: proxyOf(f), FL_TOXIC: toxicName(ctx.faultId) }, script: TOXIC_REVERT };
    },
  };
}

function proxyOf(f: { proxy?: string }): string {
  if (!f.proxy) throw new FaultlineError('InvalidFault', 'via: toxiproxy needs "proxy"', { retryable: false });
  return f.proxy;
}

/** The API through the port published on loopback, else the container's own address. */
export function apiOf(info: NetInfo): ToxiproxyApi {
  const port = info.published[`${TOXIPROXY_PORT}/tcp`];
  if (port) return new ToxiproxyApi(`http://127.0.0.1:${port}`);
  const ip = Object.values(info.addresses)[0];
  if (!ip) throw new FaultlineError('ToxiproxyUnreachable', `the Toxiproxy container publishes no ${TOXIPROXY_PORT} and has no address`);
  return new ToxiproxyApi(`http://${ip}:${TOXIPROXY_PORT}`);
}
