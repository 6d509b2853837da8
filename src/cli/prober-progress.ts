/**
 * The last sample of each continuous probe of a run, read from its prober's heartbeat. Probers keep
 * their samples out of the workflow's history (issue 11), so the workflow's status no longer holds
 * them; the server keeps each running activity's last heartbeat, and this reads it back for
 * `faultline run`'s progress lines. Decoded with the same codec as everything else the CLI reads.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ProberProgress, Sample } from '../activities/types';
import { codecFromEnv } from '../temporal/codec';

export async function proberSamples(handle: Pick<WorkflowHandle, 'describe'>): Promise<Array<{ label: string; sample: Sample }>> {
  const { raw } = await handle.describe();
  const codec = codecFromEnv();
  const out: Array<{ label: string; sample: Sample }> = [];
  for (const a of raw.pendingActivities ?? []) {
    const payloads = a.activityType?.name === 'runProber' ? a.heartbeatDetails?.payloads : undefined;
    if (!payloads || payloads.length === 0) continue;
    const [payload] = codec ? await codec.decode([payloads[0]]) : [payloads[0]];
    const p = defaultPayloadConverter.fromPayload<ProberProgress>(payload);
    if (p?.probe !== undefined && p.last !== undefined) out.push({ label: p.probe, sample: p.last });
  }
  return out;
}
