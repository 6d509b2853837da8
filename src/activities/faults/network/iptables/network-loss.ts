// Breaks: drops a random share of the target's packets (to/from peers or ports, else all but loopback) with iptables statistic rules.
// Undone by: deleting exactly the rules tagged with this fault's id, as for network-partition.
import type { FaultOf } from '../../../../spec/faults';
import type { FaultDriver, PortsOf } from '../../driver';
import { iptablesDriver } from './iptables-fault';

export const networkLoss = (ports: PortsOf<'network-loss'>): FaultDriver<FaultOf<'network-loss'>> =>
  iptablesDriver(ports, 'dropping packets at random', (f) => ['-m', 'statistic', '--mode', 'random', '--probability', String(f.probability)]);
