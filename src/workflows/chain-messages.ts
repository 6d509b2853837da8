/** The `chain` workflow's query; it also answers the `abort` signal of src/workflows/messages.ts. */
import { defineQuery } from '@temporalio/workflow';
import type { ChainResult } from './chain-children';

export const chainStatusQuery = defineQuery<ChainResult & { stopReason?: string }>('chainStatus');
