/** Signals, queries and updates of the `experiment` workflow, importable by clients without workflow code. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ExperimentStatus } from '../report/journal';
import type { Duration } from '../spec/duration';

export const abortSignal = defineSignal<[string?]>('abort');
export const statusQuery = defineQuery<ExperimentStatus>('status');
/** Holds the method: open waits and fault windows stop counting down, no new step starts. */
export const pauseSignal = defineSignal<[string?]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
/** Adds time to every open wait and fault window; rejected when none is open. */
export const extendUpdate = defineUpdate<ExtendResult, [Duration]>('extend');

export interface ExtendResult {
  extendedMs: number;
  windows: Array<{ what: string; remainingMs: number }>;
}
