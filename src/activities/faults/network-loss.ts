// Breaks: drops a random share of the target's packets (to/from peers or ports, else all but loopback) with iptables statistic rules.
// Undone by: deleting exactly the rules tagged with this fault's id, as for network-partition.
import type { FaultOf } from '../../spec/faults';
import { iptablesDriver } from './iptables-fault';

export const networkLoss = iptablesDriver<FaultOf<'network-loss'>>('dropping packets at random', (f) => [
  '-m',
  'statistic',
  '--mode',
  'random',
  '--probability',
  String(f.probability),
]);
