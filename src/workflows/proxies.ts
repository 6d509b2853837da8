/**
 * Activity proxies with the timeouts and retry policies the saga relies on. Long activities
 * heartbeat every second, so a SIGKILLed worker is noticed within the 5 s heartbeat timeout.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { truncateBytes } from '../spec/plan';

/** Call-site options carrying the single-line summary the Web UI shows (at most 200 bytes). */
export const summary = (text: string): { summary: string } => ({ summary: truncateBytes(text, 200) });

const NON_RETRYABLE = ['InvalidScenario', 'TargetNotFound'];

/** Short calls against Docker or a probe target. */
export const quick = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** Probes report failure in their result; a thrown error is a Faultline bug or a dead worker. */
export const probing = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', maximumInterval: '2s', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * Restores are retried for about a minute: until they succeed or the target is provably gone.
 * Exhausting them marks the run dirty; it is never swallowed.
 */
export const restoring = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 8 },
});

/**
 * Injects, re-arms and restores since issue 11: a fault over many targets can take longer than a
 * minute on a busy engine (200 reverters to arm), so these heartbeat instead, and a dead worker is
 * still noticed within 5 s. Retried like `quick` and `restoring`; older runs replay with those.
 */
export const injecting = proxyActivities<Activities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

export const restoringMany = proxyActivities<Activities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 8 },
});

/** Stack up/down and time-to-green wait for a long time and heartbeat while they do. */
export const long = proxyActivities<Activities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * Workloads run until the workflow cancels them, heartbeating every second. A dead worker is noticed
 * within 5 s and the workload resumes on another one, appending to the same history file.
 */
export const background = proxyActivities<Activities>({
  startToCloseTimeout: '6h',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
});
