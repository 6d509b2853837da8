// Breaks: delays traffic by `latency` (± `jitter`): a Toxiproxy latency toxic on one proxy, or netem delay in the target's netns.
// Undone by: deleting the toxic named after the fault id (or the netem qdisc with the fault's handle).
import { toMs } from '../../../../spec/duration';
import type { FaultOf } from '../../../../spec/faults';
import type { FaultDriver, PortsOf } from '../../driver';
import { proxyDriver } from './proxy-fault';

export const networkLatency = (ports: PortsOf<'network-latency'>): FaultDriver<FaultOf<'network-latency'>> =>
  proxyDriver(ports, {
    verb: (f) => `+${toMs(f.latency)}ms latency (jitter ${toMs(f.jitter)}ms)`,
    toxic: (f) => ({ type: 'latency', attributes: { latency: toMs(f.latency), jitter: toMs(f.jitter) } }),
    netem: (f) => ['delay', `${toMs(f.latency)}ms`, `${toMs(f.jitter)}ms`],
  });
