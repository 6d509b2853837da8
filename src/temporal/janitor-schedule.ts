/**
 * The janitor's Temporal schedule. Every `faultline worker` makes sure it exists when it starts
 * (creating it is idempotent), so any deployment with a worker has a janitor; a server with no
 * worker has nothing that could restore anyway, and the dead-man switch covers that case.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { TASK_QUEUE } from './search-attributes';

export const JANITOR_SCHEDULE_ID = 'faultline-janitor';

export interface JanitorScheduleOptions {
  /** How often the janitor sweeps, e.g. '30s'. */
  every?: string;
  taskQueue?: string;
  scheduleId?: string;
}

/** Returns true when it created the schedule, false when one was already there. */
export async function ensureJanitorSchedule(client: Client, opts: JanitorScheduleOptions = {}): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId: opts.scheduleId ?? JANITOR_SCHEDULE_ID,
      spec: { intervals: [{ every: (opts.every ?? '30s') as `${number}s` }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'janitor',
        args: [{}],
        taskQueue: opts.taskQueue ?? TASK_QUEUE,
        staticSummary: 'Faultline janitor: restore faults of terminated or timed-out runs',
      },
      // SKIP: one sweep at a time. Never TERMINATE_OTHER: a terminated janitor could leave a restore half done.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}
