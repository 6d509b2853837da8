/** Renders a journal as the summary printed at the end of `faultline run`. */
import { formatMs } from '../spec/duration';
import type { Journal, Outcome } from './journal';

const MARK: Record<Outcome, string> = { passed: 'PASSED', failed: 'FAILED', aborted: 'ABORTED', error: 'ERROR', dirty: 'DIRTY' };

export function renderSummary(j: Journal): string {
  const lines: string[] = [];
  const took = j.finishedAt ? formatMs(j.finishedAt - j.startedAt) : '?';
  lines.push(`${MARK[j.outcome]}  ${j.experiment}  (${took}, workflow ${j.workflowId})`);
  lines.push(`  hypothesis: ${j.hypothesis}`);
  for (const s of j.steadyState) lines.push(`  steady state  ${s.sample.ok ? 'ok  ' : 'FAIL'}  ${s.label}${s.sample.error ? ` - ${s.sample.error}` : ''}`);
  for (const f of j.faults) {
    const restore = f.restore === 'failed' ? `RESTORE FAILED: ${f.error ?? ''}` : `restore: ${f.restore ?? 'not run'}`;
    lines.push(`  fault         ${f.description} -> ${f.targets.join(', ')}  [${restore}]`);
  }
  for (const s of j.continuous) {
    // A prober's series counts its file, which may hold more than the journal kept.
    const bad = s.failed ?? s.samples.filter((x) => !x.ok).length;
    const gaps = s.gaps?.length ? `, ${s.gaps.length} gap(s) while its worker was down` : '';
    lines.push(`  probe series  ${s.id}: ${s.total ?? s.samples.length} samples, ${bad} failed${gaps}`);
  }
  for (const c of j.checks) lines.push(`  check         ${c.passed ? 'ok  ' : 'FAIL'}  ${c.id}: ${c.detail}`);
  if (j.residue.length) lines.push(`  residue       ${j.residue.join('; ')}`);
  else if (j.faults.length) lines.push('  residue       none');
  for (const r of j.reasons) lines.push(`  reason        ${r}`);
  if (j.artifactsDir) lines.push(`  artifacts     ${j.artifactsDir}`);
  return lines.join('\n');
}
