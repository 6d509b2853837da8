/**
 * The journal: everything a run decided and observed, returned by the workflow and written to
 * artifacts/<workflowId>/journal.json. Pure types, so workflows can use them; the rules that turn a
 * run's events into its outcome are in src/workflows/recorder.ts, its only writer.
 */
import type { RestoreOutcome, Sample, SeriesGap } from '../activities/types';

export const OUTCOMES = ['passed', 'failed', 'aborted', 'error', 'dirty'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** CLI exit codes, one per outcome; 64 (EX_USAGE) is bad input, where nothing was started. */
export const EXIT_CODES: Record<Outcome, number> = { passed: 0, failed: 1, aborted: 2, error: 3, dirty: 4 };
export const EXIT_INVALID_INPUT = 64;

export type Phase =
  | 'validating'
  | 'stack-up'
  | 'steady-state'
  | 'method'
  | 'fault-injected'
  | 'restoring'
  | 'rollbacks'
  | 'recovery'
  | 'checks'
  | 'residue-scan'
  | 'artifacts'
  | 'stack-down'
  | 'done';

export interface FaultEntry {
  faultId: string;
  stepPath: string;
  kind: string;
  description: string;
  targets: string[];
  /** Candidates the selection chose from; recorded so a random pick can be audited. */
  candidates: string[];
  /** For a target chosen by a probe: which probe, what it returned and the sample it came from. */
  chosenBy?: { probe: string; select: string; value: string; sample: Sample };
  /** When the workflow asked for the inject (workflow time); the "before" window of checks ends here. */
  requestedAt?: number;
  injectedAt?: number;
  injectDetails?: string[];
  /** When the workflow asked for the restore (workflow time): fault windows of checks end here. */
  restoreRequestedAt?: number;
  restoredAt?: number;
  restore?: 'pending' | 'failed' | RestoreOutcome;
  restoreDetails?: string[];
  error?: string;
}

export interface ProbeRecord {
  label: string;
  sample: Sample;
}

export interface SeriesRecord {
  id: string;
  probe: string;
  everyMs: number;
  samples: Sample[];
  /** Runs whose probes ran as probers: the series file, which holds every sample. */
  file?: string;
  /** Samples in the file; more than `samples` holds when the series was too long for the journal. */
  total?: number;
  /** Failed samples in the file. */
  failed?: number;
  /** Samples in the file but not in `samples` (`samples` then keeps the first, the last and every change of state). */
  elided?: number;
  /** Times the prober could not sample: its worker died and a retry resumed later. */
  gaps?: SeriesGap[];
}

export interface CheckRecord {
  kind: string;
  id: string;
  passed: boolean;
  detail: string;
  elapsedMs?: number;
  /** What the verdict rests on: counts, and the ids or requests a person should look at. */
  evidence?: Record<string, number | string | string[]>;
}

/** One workload of the run; its operations are in artifacts/<workflowId>/workloads/<id>.jsonl. */
export interface WorkloadEntry {
  id: string;
  description: string;
  startedAt?: number;
  stoppedAt?: number;
  error?: string;
}

export interface Journal {
  workflowId: string;
  runId: string;
  experiment: string;
  hypothesis: string;
  project?: string;
  startedAt: number;
  finishedAt?: number;
  outcome: Outcome;
  reasons: string[];
  phases: Array<{ phase: Phase; at: number }>;
  steadyState: ProbeRecord[];
  methodProbes: ProbeRecord[];
  faults: FaultEntry[];
  continuous: SeriesRecord[];
  workloads: WorkloadEntry[];
  rollbacks: Array<{ action: string; targets: string[]; ok: boolean; error?: string }>;
  checks: CheckRecord[];
  residue: string[];
  artifactsDir?: string;
  /** The stop condition that aborted the run, if one did. */
  stopCondition?: {
    probe: string;
    at: number;
    lastGreenAt?: number;
    detail: string;
    /** The promise: restores done within one probe interval + 5 s of the last green sample. */
    boundMs: number;
    restoredAt?: number;
    withinBound?: boolean;
  };
  /** Pauses, resumes and extensions received while the run was live, in order. */
  controls?: Array<{ at: number; action: 'pause' | 'resume' | 'extend'; detail?: string }>;
}

/** A journal with nothing recorded yet; the run recorder fills it in, the CLI uses it when a run fails outright. */
export function emptyJournal(
  head: Pick<Journal, 'workflowId' | 'runId' | 'experiment' | 'hypothesis' | 'startedAt' | 'outcome'> & { project?: string },
): Journal {
  return {
    ...head,
    reasons: [],
    phases: [],
    steadyState: [],
    methodProbes: [],
    faults: [],
    continuous: [],
    workloads: [],
    rollbacks: [],
    checks: [],
    residue: [],
  };
}

/** What the `status` query returns while a run is live. */
export interface ExperimentStatus {
  experiment: string;
  phase: Phase;
  activeFaults: Array<{ faultId: string; description: string; targets: string[] }>;
  lastProbes: ProbeRecord[];
  faults: FaultEntry[];
  abortRequested?: string;
  outcome?: Outcome;
  paused?: boolean;
  pauseReason?: string;
  /** Open waits and fault windows with the time each has left. */
  windows?: Array<{ what: string; remainingMs: number }>;
}
