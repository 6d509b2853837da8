/** Signals and queries of the `experiment` workflow, importable by clients without workflow code. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ExperimentStatus } from '../report/journal';

export const abortSignal = defineSignal<[string?]>('abort');
export const statusQuery = defineQuery<ExperimentStatus>('status');
