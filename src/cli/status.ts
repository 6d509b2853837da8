/** `faultline status ID`: what a run is doing now, from its status query (closed runs answer with their state only). */
import type { Output } from './output';
import { openSession } from './session';
import { statusQuery } from '../workflows/messages';
import { workflowUrl } from '../temporal/config';
import { formatMs } from '../spec/duration';
import { chainStatus } from './chain-control';
import { proberSamples } from './prober-progress';

export async function statusCommand(workflowId: string, opts: { json?: boolean }, out: Output): Promise<number> {
  const session = await openSession(out, { startServer: false });
  try {
    const handle = session.client.workflow.getHandle(workflowId);
    const desc = await handle.describe();
    if (desc.type === 'chain') return await chainStatus(session, workflowId, opts, out);
    let s;
    try {
      s = await handle.query(statusQuery);
    } catch {
      s = undefined; // closed runs without a worker cannot answer queries
    }
    if (opts.json) {
      out.result(JSON.stringify({ workflowId, status: desc.status.name, ...(s ?? {}) }, null, 2));
      return 0;
    }
    out.result(`${workflowId}: ${desc.status.name}${s ? `, phase ${s.phase}` : ''}${s?.outcome ? `, outcome ${s.outcome}` : ''}`);
    for (const f of s?.activeFaults ?? []) out.result(`  active fault  ${f.description} -> ${f.targets.join(', ')}`);
    const fromProbers = await proberSamples(handle).catch(() => []);
    for (const p of [...(s?.lastProbes ?? []), ...fromProbers]) out.result(`  probe         ${p.label}: ${p.sample.ok ? 'green' : `red (${p.sample.error ?? ''})`}`);
    if (s?.paused) out.result(`  PAUSED        ${s.pauseReason ?? ''} (faults stay injected; \`faultline resume ${workflowId}\`)`);
    for (const w of s?.windows ?? []) out.result(`  window        ${w.what}: ${formatMs(w.remainingMs)} left`);
    if (s?.abortRequested) out.result(`  abort requested: ${s.abortRequested}`);
    const url = workflowUrl(session.settings, workflowId);
    if (url) out.result(`  Web UI        ${url}`);
    return 0;
  } finally {
    await session.close();
  }
}
