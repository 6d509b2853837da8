/**
 * The data that crosses the workflow/activity boundary. Types and plain constants only: workflows
 * import this file and never pull in dockerode, fs or net.
 */
import type { Expectation, FaultKind, FaultSpec, ProbeSpec, StackSpec, Target } from '../spec';
import type { ProbeChoice, SelectionMode } from '../spec/target';

/**
 * A container as the activities see it. `service` is the compose service it belongs to, if any.
 * `owned` is false for a container Faultline did not create (an attached stack's): faults and their
 * restores act on it like on any other, but nothing ever removes it. Absent means created by Faultline.
 */
export interface ContainerRef {
  id: string;
  name: string;
  service?: string;
  owned?: boolean;
}

/** The run that owns the stack objects it creates (labels faultline.owner.*). */
export interface StackOwner {
  workflowId: string;
  /** The workflow's first execution run id: the same across retries and continue-as-new. */
  runId: string;
}

/** The pseudo-target of faults on the worker's own host (process-kill); declared with the targets in spec. */
export { HOST_TARGET } from '../spec/target';

/** A running stack: its compose project and the host ports published on 127.0.0.1. */
export interface StackHandle {
  project: string;
  /** `service:containerPort` -> host port on 127.0.0.1, e.g. `{ "nats-1:4222": 49153 }`. */
  ports: Record<string, number>;
  services: string[];
  /** Set for an attached stack: one Faultline did not start and never tears down. */
  attached?: boolean;
}

export interface StackUpInput {
  stack: StackSpec;
  project: string;
  /** Labels what stack up creates, and refuses a project another run owns unless stack.share. Absent in runs recorded before ownership. */
  owner?: StackOwner;
}

export interface StackDownInput {
  project: string;
  /** Remove only what this run owns; absent (runs recorded before ownership), everything of the project. */
  owner?: StackOwner;
}

/** What the workflow records for one injected fault; enough to restore it from any worker. */
export interface FaultRecord {
  /** `<workflowId>/<step path>`: stable across retries and replays, so inject and restore are idempotent. */
  faultId: string;
  stepPath: string;
  kind: FaultKind;
  spec: FaultSpec;
  targets: ContainerRef[];
  /** Epoch ms after which the fault must revert itself at the target, even with no worker alive. */
  deadlineAt?: number;
  /**
   * The fault's TTL. With it, the inject counts the deadline from the injects (never earlier than
   * the last target's inject plus the TTL) and returns it; records of runs before this field keep
   * the deadline the workflow set when it took the lease.
   */
  ttlMs?: number;
}

export interface InjectResult {
  /** When the last target's inject had returned. */
  injectedAt: number;
  /** One line per target, e.g. `nats-1: killed with SIGKILL`. */
  details: string[];
  /** When each target's inject returned (the fault was in effect there by then). */
  targets?: Array<{ container: string; injectedAt: number }>;
  /** The dead-man deadline the reverters hold after the inject (records with a `ttlMs` only). */
  deadlineAt?: number;
}

export type RestoreOutcome = 'restored' | 'already-clean' | 'gone';

export interface RestoreResult {
  restoredAt: number;
  outcomes: Array<{
    container: string;
    outcome: RestoreOutcome;
    detail?: string;
    /** The target's dead-man switch had fired: when its reverter finished (epoch ms). */
    selfRevertedAt?: number;
  }>;
}

/** What a residue scan found left behind by a fault; empty means clean. */
export interface VerifyResult {
  residue: string[];
}

export interface ProbeInput {
  probe: ProbeSpec;
  /** Overrides the probe's own expectation (steady state and method probes may do so). */
  expect?: Expectation;
  stack?: StackHandle;
}

/** One probe observation. `ok` means the probe ran and its expectation held. */
export interface Sample {
  ok: boolean;
  at: number;
  latencyMs: number;
  value?: unknown;
  error?: string;
}

export interface TimeToGreenInput {
  probe: ProbeSpec;
  stack?: StackHandle;
  /** Epoch ms the clock starts from: when the last restore completed. */
  since: number;
  withinMs: number;
  consecutive: number;
  intervalMs: number;
}

export interface TimeToGreenResult {
  green: boolean;
  /** ms from `since` to the first of the consecutive passes; undefined when never green. */
  elapsedMs?: number;
  attempts: number;
  lastError?: string;
}

/** A fault target chosen by a probe: the library probe (resolved) and how to read its value. */
export interface PickTargetInput {
  choice: ProbeChoice;
  probe: ProbeSpec;
  mode: SelectionMode;
  stack?: StackHandle;
}

export interface PickTargetResult {
  /** A plain service or container target naming what the probe returned. */
  target: Target;
  value: string;
  sample: Sample;
}

export interface ResolveTargetsInput {
  project: string;
  target: Target;
  /**
   * `engine`: the experiment has no stack, so the target (by container name or labels) is looked
   * up across the whole Docker engine instead of within the project.
   */
  scope?: 'engine';
}

export type RollbackAction = 'container-start' | 'container-unpause' | 'container-restart';

export interface RollbackInput {
  action: RollbackAction;
  targets: ContainerRef[];
}

/** A run's claim on target containers, so two runs never inject into one container at once. */
export interface LeaseInput {
  run: string;
  faultId: string;
  targets: ContainerRef[];
  /** Epoch ms after which the lease is stale and anyone may take it (the fault's TTL). */
  expiresAt: number;
}

export interface LeaseHolder {
  run: string;
  faultId: string;
  target: string;
  expiresAt: number;
}

export type LeaseResult = { acquired: true } | { acquired: false; holder: LeaseHolder };

/** Faults of runs that closed without restoring them (terminated, timed out), found by the janitor. */
export interface OrphanRun {
  workflowId: string;
  runId: string;
  status: string;
  faultIds: string[];
  /** Records recovered from the reverter containers' labels; a fault with no reverter has nothing left to undo. */
  records: FaultRecord[];
  /** Reverter records that did not validate against this run (forged, foreign, malformed): never restored. */
  skipped?: string[];
}

/**
 * One continuous probe run as a prober activity (activities/probes/prober.ts): it samples on the
 * worker's clock every `everyMs`, writes each sample to the run's series file and heartbeats a
 * ProberProgress, so no sample costs a history event.
 */
export interface ProberInput {
  workflowId: string;
  /** The probe's place in the experiment's `continuous` list; ids may repeat, places do not. */
  index: number;
  id: string;
  probe: ProbeSpec;
  stack?: StackHandle;
  everyMs: number;
  /** For an `abortOnFail` probe: the failures in a row (`failuresToAbort`) at which it tells the workflow. */
  stopAfter?: number;
}

/** What a prober heartbeats; a retry on another worker resumes from it. */
export interface ProberProgress {
  /** The series id, so whoever reads the heartbeat (`faultline run`'s progress) can name the probe. */
  probe?: string;
  attempt: number;
  /** Sequence number of the last sample written (1-based, carried across attempts). */
  seq: number;
  ok: number;
  failed: number;
  /** Failures in a row up to the last sample. */
  streak: number;
  last?: Sample;
  /** The last passing sample, which the stop-condition bound counts from. */
  lastGreen?: Sample;
  /** The stop condition was reported to the workflow. */
  tripped: boolean;
  /** Samples that started more than one interval late (a probe slower than its interval). */
  late: number;
  gaps: number;
}

/** What a prober signals its workflow (PROBER_TRIPPED_SIGNAL, src/temporal/prober-signal.ts) when its stop condition trips. */
export interface ProberTrip {
  index: number;
  /** The sample that made the streak reach `stopAfter`. */
  sample: Sample;
  streak: number;
  lastGreen?: Sample;
}

/** Time the prober could not sample (its worker died, the retry started later). */
export interface SeriesGap {
  from: number;
  to: number;
  /** Samples that would have been taken at the interval asked. */
  missed: number;
  /** The attempt that resumed after the gap. */
  attempt: number;
}

export interface StopProbersInput {
  workflowId: string;
  probes: Array<{ index: number; id: string }>;
  timeoutMs: number;
  /** Bytes of samples returned for all series together; the rest stay in the files only. */
  maxInlineBytes?: number;
}

/** A series as read back from its file once the prober has stopped. */
export interface SeriesRead {
  index: number;
  file: string;
  /** Samples in the file. */
  total: number;
  failed: number;
  /** The samples returned: all of them, or when over budget the first and last and each change of state. */
  samples: Sample[];
  /** Samples in the file but not in `samples`. */
  elided: number;
  gaps: SeriesGap[];
  attempts: number;
}
