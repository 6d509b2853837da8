// Breaks: drops all traffic between the target and its peers (or on the given ports), both ways, with iptables DROP rules in its netns.
// Undone by: deleting exactly the rules tagged with this fault's id; a restarted target lost them with its old namespace.
import type { FaultOf } from '../../../../spec/faults';
import type { FaultDriver, PortsOf } from '../../driver';
import { iptablesDriver } from './iptables-fault';

export const networkPartition = (ports: PortsOf<'network-partition'>): FaultDriver<FaultOf<'network-partition'>> =>
  iptablesDriver(ports, 'partitioned', () => []);
