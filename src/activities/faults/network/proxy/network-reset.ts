// Breaks: resets connections (TCP RST) after `timeout` through a Toxiproxy reset_peer toxic; netem has no equivalent.
// Undone by: deleting the toxic named after the fault id.
import { toMs } from '../../../../spec/duration';
import type { FaultOf } from '../../../../spec/faults';
import type { FaultDriver, PortsOf } from '../../driver';
import { proxyDriver } from './proxy-fault';

export const networkReset = (ports: PortsOf<'network-reset'>): FaultDriver<FaultOf<'network-reset'>> =>
  proxyDriver(ports, {
    verb: (f) => `connections reset after ${toMs(f.timeout)}ms`,
    toxic: (f) => ({ type: 'reset_peer', attributes: { timeout: toMs(f.timeout) } }),
  });
