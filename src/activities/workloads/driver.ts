/**
 * What a workload kind implements: open a session (connections, pools) against the stack, run one
 * operation per tick, close. The runner (run.ts) owns the rate, the history file and timeouts.
 */
import type { WorkloadSpec } from '../../spec/workloads';
import type { Reach } from '../probes/endpoint';
import type { OpOutcome } from './history';

export interface OpResult {
  outcome: OpOutcome;
  status?: number;
  decision?: string;
  error?: string;
}

export interface WorkloadSession {
  /** Runs operation `id`. A throw is recorded as `unknown`: the runner cannot know what happened. */
  op(id: string, signal: AbortSignal): Promise<OpResult>;
  close(): Promise<void>;
}

/** For workloads that observe rather than act (a subscriber): records an id as delivered (`ok`). */
export type Receipt = (id: string) => void;

export interface WorkloadDriver<W extends WorkloadSpec> {
  open(spec: W, reach: Reach, timeoutMs: number, received: Receipt): Promise<WorkloadSession>;
}

