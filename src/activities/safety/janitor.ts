/**
 * The janitor's search: runs that closed (terminated, timed out, or finished with a failed restore)
 * while their `FaultlineFaults` search attribute still lists active faults. Their fault records come
 * back from the reverter containers' labels, so the janitor restores them with the same drivers;
 * only records that validate against their run (record.ts) are returned.
 */
import type { Client } from '@temporalio/client';
import type Docker from 'dockerode';
import { SA_FAULTS } from '../../temporal/search-attributes';
import type { OrphanRun } from '../types';
import { reverterRecords } from './reverter';

export interface FindOrphansInput {
  /** Only runs closed within this many ms are looked at; older ones were handled or have expired. */
  lookbackMs: number;
  now: number;
}

export function orphanQuery(input: FindOrphansInput): string {
  const since = new Date(input.now - input.lookbackMs).toISOString();
  return `${SA_FAULTS.name} IS NOT NULL AND ExecutionStatus != "Running" AND CloseTime > "${since}"`;
}

export async function findOrphans(client: Client, docker: Docker, input: FindOrphansInput): Promise<OrphanRun[]> {
  const runs: OrphanRun[] = [];
  for await (const w of client.workflow.list({ query: orphanQuery(input) })) {
    const faultIds = w.typedSearchAttributes.get(SA_FAULTS) ?? [];
    if (faultIds.length === 0) continue;
    const wanted = new Set(faultIds);
    const found = await reverterRecords(docker, w.workflowId);
    const records = found.records.filter((r) => wanted.has(r.faultId));
    const run: OrphanRun = { workflowId: w.workflowId, runId: w.runId, status: w.status.name, faultIds, records };
    // Forged or foreign records are never acted on; they are reported so someone can look at them.
    if (found.skipped.length > 0) run.skipped = found.skipped;
    runs.push(run);
  }
  return runs;
}
