/**
 * The `chain` workflow's query. The chain also answers the `abort`, `pause` and `resume` signals of
 * src/workflows/messages.ts: abort cancels its running children (which restores their faults), pause
 * and resume are passed on to them. `extend` is an update, which a workflow cannot send to another,
 * so `faultline extend` sends it to each running child itself.
 */
import { defineQuery } from '@temporalio/workflow';
import type { ChainResult } from './chain-children';

export const chainStatusQuery = defineQuery<ChainResult & { stopReason?: string; paused?: string }>('chainStatus');
