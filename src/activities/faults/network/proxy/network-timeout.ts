// Breaks: stops all data on the connections; Toxiproxy closes them after `timeout` (0: never), netem drops every packet.
// Undone by: deleting the toxic named after the fault id (or the netem qdisc with the fault's handle).
import { toMs } from '../../../../spec/duration';
import type { FaultOf } from '../../../../spec/faults';
import type { FaultDriver, PortsOf } from '../../driver';
import { proxyDriver } from './proxy-fault';

export const networkTimeout = (ports: PortsOf<'network-timeout'>): FaultDriver<FaultOf<'network-timeout'>> =>
  proxyDriver(ports, {
    verb: (f) => `connections stalled${toMs(f.timeout) > 0 ? `, closed after ${toMs(f.timeout)}ms` : ''}`,
    toxic: (f) => ({ type: 'timeout', attributes: { timeout: toMs(f.timeout) } }),
    // netem cannot close a connection; dropping every packet is the stall without the close.
    netem: () => ['loss', '100%'],
  });
