/**
 * `faultline schedule create|list|delete`: Temporal schedules for game days. The overlap policy is
 * always SKIP: a run still going when the next one is due is left alone. TERMINATE_OTHER is never
 * used, since a terminated run skips its restores.
 */
import { ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { FaultlineError } from '../errors';
import { planDetails, planSummary } from '../spec/plan';
import { SA_SCENARIO, TASK_QUEUE } from '../temporal/search-attributes';
import { SCENARIO_TYPES } from '../workflows/scenario-types.generated';
import type { Output } from './output';
import { checkScenario } from './preflight';
import { openSession } from './session';

export interface ScheduleCreateOptions {
  id: string;
  cron?: string;
  every?: string;
  /** A named scenario type (`natsKillRecovery`) instead of a scenario file. */
  type?: string;
  paused?: boolean;
  note?: string;
}

export async function scheduleCreate(file: string | undefined, o: ScheduleCreateOptions, out: Output): Promise<number> {
  const spec: ScheduleSpec = o.cron ? { cronExpressions: [o.cron] } : o.every ? { intervals: [{ every: o.every as `${number}s` }] } : {};
  if (!o.cron === !o.every) throw new FaultlineError('BadUsage', 'give exactly one of --cron or --every', { retryable: false });
  if (!file === !o.type) throw new FaultlineError('BadUsage', 'give a scenario file or --type <named scenario type>, not both', { retryable: false });
  const action = file ? fileAction(file) : typeAction(o.type!);
  const session = await openSession(out, { startServer: false });
  try {
    await session.client.schedule.create({
      scheduleId: o.id,
      spec,
      action: { type: 'startWorkflow', taskQueue: TASK_QUEUE, workflowId: o.id, ...action },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m' },
      state: { paused: o.paused ?? false, note: o.note ?? 'created by faultline schedule' },
    });
    out.result(`schedule ${o.id} created (${o.cron ? `cron "${o.cron}"` : `every ${o.every}`}, overlap SKIP)${o.paused ? ', paused' : ''}`);
    out.result('runs need a worker on task queue "faultline": `faultline worker`');
    return 0;
  } finally {
    await session.close();
  }
}

function fileAction(file: string) {
  const { exp } = checkScenario(file);
  return {
    workflowType: 'experiment',
    args: [exp],
    typedSearchAttributes: [{ key: SA_SCENARIO, value: exp.name }],
    staticSummary: planSummary(exp),
    staticDetails: planDetails(exp),
  };
}

function typeAction(type: string) {
  if (!Object.values(SCENARIO_TYPES).includes(type)) {
    throw new FaultlineError('BadUsage', `no named scenario type "${type}"`, { hint: `known types: ${Object.values(SCENARIO_TYPES).join(', ')}`, retryable: false });
  }
  return { workflowType: type, args: [] as unknown[], staticSummary: `scheduled ${type}` };
}

export async function scheduleList(out: Output): Promise<number> {
  const session = await openSession(out, { startServer: false });
  try {
    let n = 0;
    for await (const s of session.client.schedule.list()) {
      n++;
      const type = s.action?.type === 'startWorkflow' ? s.action.workflowType : '?';
      const next = s.info.nextActionTimes[0]?.toISOString() ?? 'none';
      out.result(`${s.scheduleId}  ${type}  next ${next}${s.state.paused ? '  (paused)' : ''}`);
    }
    if (n === 0) out.result('no schedules');
    return 0;
  } finally {
    await session.close();
  }
}

export async function scheduleDelete(id: string, out: Output): Promise<number> {
  const session = await openSession(out, { startServer: false });
  try {
    await session.client.schedule.getHandle(id).delete();
    out.result(`schedule ${id} deleted (runs it already started keep running and restore as usual)`);
    return 0;
  } finally {
    await session.close();
  }
}
