/**
 * Live progress for `faultline run`: polls the workflow's `status` query and prints what changed
 * (phase, faults injected and restored, probes turning red or green).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { ExperimentStatus } from '../report/journal';
import { statusQuery } from '../workflows/messages';
import type { Output } from './output';
import { proberSamples } from './prober-progress';

export function watchProgress(handle: WorkflowHandle, out: Output, everyMs = 1000): () => void {
  let phase = '';
  const faults = new Map<string, string>();
  const probes = new Map<string, boolean>();
  const t0 = Date.now();
  const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s]`;
  let stopped = false;
  const tick = async () => {
    let s: ExperimentStatus;
    try {
      s = await handle.query(statusQuery);
    } catch {
      return; // the run may not have had its first workflow task yet
    }
    if (s.phase !== phase) out.info(`${stamp()} phase ${(phase = s.phase)}`);
    for (const f of s.faults) {
      const state = f.restore === 'pending' ? (f.injectedAt ? 'injected' : 'injecting') : `restore ${f.restore}`;
      if (faults.get(f.faultId) !== state) {
        faults.set(f.faultId, state);
        out.info(`${stamp()} ${f.description} -> ${f.targets.join(', ')}: ${state}`);
      }
    }
    // Continuous probes run as probers: their last samples are in the probers' heartbeats.
    const fromProbers = await proberSamples(handle).catch(() => []);
    for (const p of [...s.lastProbes, ...fromProbers]) {
      if (probes.get(p.label) !== p.sample.ok) {
        probes.set(p.label, p.sample.ok);
        out.info(`${stamp()} probe ${p.label}: ${p.sample.ok ? 'green' : `red (${p.sample.error ?? 'expectation not met'})`}`);
      }
    }
  };
  const loop = async () => {
    while (!stopped) {
      await tick();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}
