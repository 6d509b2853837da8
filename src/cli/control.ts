/**
 * `faultline abort --all`, `pause`, `resume` and `extend`: the kill switch and the live controls.
 * Every running Faultline run (experiments, named scenario types and chains) carries the
 * FaultlineScenario search attribute, which is how `--all` finds them.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { FaultlineError } from '../errors';
import { formatMs } from '../spec/duration';
import { SA_SCENARIO } from '../temporal/search-attributes';
import { abortSignal, extendUpdate, pauseSignal, resumeSignal } from '../workflows/messages';
import type { Output } from './output';
import { type Session, openSession } from './session';

export const RUNNING_RUNS_QUERY = `ExecutionStatus = "Running" AND ${SA_SCENARIO.name} IS NOT NULL`;

/** Signals abort to every running run; returns the ids it reached. Chains pass it on to their children. */
export async function abortAll(session: Session, reason: string): Promise<string[]> {
  const sent: string[] = [];
  for await (const wf of session.client.workflow.list({ query: RUNNING_RUNS_QUERY })) {
    try {
      await session.client.workflow.getHandle(wf.workflowId, wf.runId).signal(abortSignal, reason);
      sent.push(wf.workflowId);
    } catch (err) {
      // A run that closed between the list and the signal needs no abort.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return sent;
}

export async function abortAllCommand(opts: { reason?: string }, out: Output): Promise<number> {
  const session = await openSession(out, { startServer: false });
  try {
    const sent = await abortAll(session, opts.reason ?? 'kill switch: faultline abort --all');
    out.result(sent.length === 0 ? 'no running Faultline runs' : `abort sent to ${sent.length} run(s); their faults are restored before they end`);
    for (const id of sent) out.result(`  ${id}`);
    return 0;
  } finally {
    await session.close();
  }
}

export async function controlCommand(action: 'pause' | 'resume' | 'extend', workflowId: string, arg: string | undefined, out: Output): Promise<number> {
  const session = await openSession(out, { startServer: false });
  try {
    const handle = session.client.workflow.getHandle(workflowId);
    if (action === 'pause') {
      await handle.signal(pauseSignal, arg ?? 'paused from the CLI');
      out.result(`${workflowId} paused: open waits and fault windows are held, injected faults stay until resume or abort`);
    } else if (action === 'resume') {
      await handle.signal(resumeSignal);
      out.result(`${workflowId} resumed`);
    } else {
      if (!arg) throw new FaultlineError('BadUsage', 'extend needs a duration, e.g. `faultline extend ID 30s`', { retryable: false });
      const r = await handle.executeUpdate(extendUpdate, { args: [/^\d+$/.test(arg) ? Number(arg) : arg] }).catch((err: Error) => {
        throw new FaultlineError('ExtendRejected', `extend rejected: ${(err as { cause?: Error }).cause?.message ?? err.message}`, { retryable: false });
      });
      out.result(`${workflowId}: extended by ${formatMs(r.extendedMs)}`);
      for (const w of r.windows) out.result(`  ${w.what}: ${formatMs(w.remainingMs)} left`);
    }
    return 0;
  } finally {
    await session.close();
  }
}
