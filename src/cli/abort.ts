/**
 * `faultline abort ID` and `faultline abort --all` (the kill switch): both send the workflow's
 * `abort` signal, and every aborted run restores its faults before it ends. Every running Faultline
 * run (experiments, named scenario types and chains) carries the FaultlineScenario search
 * attribute, which is how `--all` finds them.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { SA_SCENARIO } from '../temporal/search-attributes';
import { abortSignal } from '../workflows/messages';
import type { Output } from './output';
import { type Session, openSession } from './session';

export const RUNNING_RUNS_QUERY = `ExecutionStatus = "Running" AND ${SA_SCENARIO.name} IS NOT NULL`;

export async function abortCommand(workflowId: string, opts: { reason?: string }, out: Output): Promise<number> {
  const session = await openSession(out, { startServer: false });
  try {
    await session.client.workflow.getHandle(workflowId).signal(abortSignal, opts.reason ?? 'aborted from the CLI');
    out.result(`abort sent to ${workflowId}; its faults are restored before it ends`);
    return 0;
  } finally {
    await session.close();
  }
}

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
