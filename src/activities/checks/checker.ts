/**
 * What a history check implements: a verdict over the workloads' recorded histories and the run's
 * fault windows, with evidence (the ids or requests behind it) for the journal.
 */
import type { HistoryCheckSpec } from '../../spec/checks';
import type { HostPorts } from '../../spec/host-ports';
import type { StackHandle } from '../types';
import type { History } from '../workloads/history';

/** When the faults held, as the workflow recorded them. */
export interface RunWindows {
  /** From the end of each inject to the request of its restore; `to` undefined means never restored. */
  faults: Array<{ faultId: string; from: number; to?: number }>;
  /** When the workflow asked for the first inject: the end of the "before" window. */
  firstFaultAt?: number;
  /** When the last restore completed: the "after" window counts from here. */
  lastRestoreAt?: number;
}

export interface HistoryCheckInput {
  workflowId: string;
  id: string;
  check: HistoryCheckSpec;
  stack?: StackHandle;
  windows: RunWindows;
}

/** Lists are capped at EVIDENCE_MAX entries; counts are always complete. */
export type CheckEvidence = Record<string, number | string | string[]>;

export interface CheckVerdict {
  passed: boolean;
  detail: string;
  evidence: CheckEvidence;
}

export interface CheckerContext {
  history(workload: string): History;
  windows: RunWindows;
  stack?: StackHandle;
  /** Host ports the worker's policy allows (see probes/endpoint.ts Reach). */
  hostPorts?: HostPorts;
  signal?: AbortSignal;
}

export type Checker<C> = (check: C, ctx: CheckerContext) => Promise<CheckVerdict>;

export const EVIDENCE_MAX = 500;
const SHOWN = 10;

export const cap = (ids: string[]): string[] => ids.slice(0, EVIDENCE_MAX);

/** `3 (a, b, c)` or `25 (first 10: a, ..., j)`: messages name the ids a person has to look at. */
export function listed(ids: string[]): string {
  if (ids.length === 0) return '0';
  const head = ids.slice(0, SHOWN).join(', ');
  return ids.length > SHOWN ? `${ids.length} (first ${SHOWN}: ${head})` : `${ids.length} (${head})`;
}
