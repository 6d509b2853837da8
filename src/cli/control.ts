/**
 * `faultline pause`, `resume` and `extend`: the live controls of a running experiment. Aborting
 * (one run or all of them) is in abort.ts.
 */
import { FaultlineError } from '../errors';
import { formatMs } from '../spec/duration';
import { extendUpdate, pauseSignal, resumeSignal } from '../workflows/messages';
import type { Output } from './output';
import { openSession } from './session';
import { chainControl, isChain } from './chain-control';

export async function controlCommand(action: 'pause' | 'resume' | 'extend', workflowId: string, arg: string | undefined, out: Output): Promise<number> {
  const session = await openSession(out, { startServer: false });
  try {
    const handle = session.client.workflow.getHandle(workflowId);
    if (await isChain(handle)) return await chainControl(session, action, workflowId, arg, out);
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
