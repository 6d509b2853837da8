/**
 * `faultline status`, `pause`, `resume` and `extend` when the id names a chain. The chain answers
 * pause and resume itself and passes them on to its running children (src/workflows/chain.ts);
 * extend is an update, which one workflow cannot send to another, so it is sent here to each running
 * child. Abort needs nothing special: the chain cancels its running children, which restore.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { FaultlineError } from '../errors';
import { formatMs } from '../spec/duration';
import type { ExperimentStatus } from '../report/journal';
import type { ChainChild } from '../workflows/chain-children';
import { chainStatusQuery } from '../workflows/chain-messages';
import { extendUpdate, pauseSignal, resumeSignal, statusQuery } from '../workflows/messages';
import type { Output } from './output';
import type { Session } from './session';

export async function isChain(handle: WorkflowHandle): Promise<boolean> {
  return (await handle.describe()).type === 'chain';
}

type ChainStatus = Awaited<ReturnType<typeof queryChain>>;

async function queryChain(handle: WorkflowHandle) {
  try {
    return await handle.query(chainStatusQuery);
  } catch {
    return undefined; // a closed chain without a worker cannot answer
  }
}

/** The chain's own state and one line per child; a running child also shows its phase and active faults. */
export async function chainStatus(session: Session, workflowId: string, opts: { json?: boolean }, out: Output): Promise<number> {
  const handle = session.client.workflow.getHandle(workflowId);
  const desc = await handle.describe();
  const s: ChainStatus = await queryChain(handle);
  const children: Array<ChainChild & { status?: ExperimentStatus }> = [];
  for (const c of s?.children ?? []) {
    let status: ExperimentStatus | undefined;
    if (c.outcome === 'running') status = await session.client.workflow.getHandle(c.workflowId).query(statusQuery).catch(() => undefined);
    children.push({ ...c, ...(status ? { status } : {}) });
  }
  if (opts.json) {
    out.result(JSON.stringify({ workflowId, type: 'chain', status: desc.status.name, ...(s ?? {}), children }, null, 2));
    return 0;
  }
  const outcome = s && desc.status.name !== 'RUNNING' ? `, outcome ${s.outcome}` : '';
  out.result(`${workflowId}: chain ${s?.name ?? ''} ${desc.status.name}${outcome}`);
  if (s?.paused !== undefined) out.result(`  PAUSED        ${s.paused} (no new child starts; \`faultline resume ${workflowId}\`)`);
  if (s?.stopReason) out.result(`  stop          ${s.stopReason}`);
  for (const c of children) {
    out.result(`  child         ${c.path} ${c.outcome}: ${c.summary} [${c.type}] ${c.workflowId}`);
    const st = c.status;
    if (!st) continue;
    out.result(`                phase ${st.phase}${st.paused ? ', PAUSED' : ''}`);
    for (const f of st.activeFaults ?? []) out.result(`                active fault ${f.description} -> ${f.targets.join(', ')}`);
    for (const w of st.windows ?? []) out.result(`                window ${w.what}: ${formatMs(w.remainingMs)} left`);
  }
  if (s && children.length === 0) out.result('  no child has started yet');
  return 0;
}

const running = (s: ChainStatus) => (s?.children ?? []).filter((c) => c.outcome === 'running');

export async function chainControl(session: Session, action: 'pause' | 'resume' | 'extend', workflowId: string, arg: string | undefined, out: Output): Promise<number> {
  const handle = session.client.workflow.getHandle(workflowId);
  const s = await queryChain(handle);
  if (action === 'pause' || action === 'resume') {
    if (action === 'pause') await handle.signal(pauseSignal, arg ?? 'paused from the CLI');
    else await handle.signal(resumeSignal);
    const kids = running(s);
    out.result(`chain ${workflowId} ${action === 'pause' ? 'paused: no new child starts, and' : 'resumed:'} the chain passes it on to ${kids.length} running child(ren)`);
    for (const c of kids) out.result(`  ${c.workflowId}`);
    return 0;
  }
  if (!arg) throw new FaultlineError('BadUsage', 'extend needs a duration, e.g. `faultline extend ID 30s`', { retryable: false });
  const kids = running(s);
  if (kids.length === 0) throw new FaultlineError('ExtendRejected', `chain ${workflowId} has no running child to extend`, { retryable: false });
  let rejected = 0;
  for (const c of kids) {
    try {
      const r = await session.client.workflow.getHandle(c.workflowId).executeUpdate(extendUpdate, { args: [/^\d+$/.test(arg) ? Number(arg) : arg] });
      out.result(`${c.workflowId}: extended by ${formatMs(r.extendedMs)}`);
      for (const w of r.windows) out.result(`  ${w.what}: ${formatMs(w.remainingMs)} left`);
    } catch (err) {
      rejected++;
      out.result(`${c.workflowId}: extend rejected: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}`);
    }
  }
  if (rejected === kids.length) throw new FaultlineError('ExtendRejected', `extend rejected by every running child of ${workflowId}`, { retryable: false });
  return 0;
}
