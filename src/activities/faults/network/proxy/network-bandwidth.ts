// Breaks: caps throughput at `rate` KB/s: a Toxiproxy bandwidth toxic on one proxy, or netem rate in the target's netns.
// Undone by: deleting the toxic named after the fault id (or the netem qdisc with the fault's handle).
import type { FaultOf } from '../../../../spec/faults';
import type { FaultDriver, PortsOf } from '../../driver';
import { proxyDriver } from './proxy-fault';

export const networkBandwidth = (ports: PortsOf<'network-bandwidth'>): FaultDriver<FaultOf<'network-bandwidth'>> =>
  proxyDriver(ports, {
    verb: (f) => `bandwidth capped at ${f.rate} KB/s`,
    toxic: (f) => ({ type: 'bandwidth', attributes: { rate: f.rate } }),
    // netem counts in bits: KB/s * 8 = kbit/s.
    netem: (f) => ['rate', `${f.rate * 8}kbit`],
  });
