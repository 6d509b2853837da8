/**
 * A fake of the activity port for workflow tests: an in-memory set of containers that faults
 * change and restores put back, with switches to make an inject, restore or probe misbehave.
 * The workflow under test is real and runs on a real Temporal dev server.
 */
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Activities } from '../../src/activities';
import type { ContainerRef, FaultRecord, Sample } from '../../src/activities/types';

interface FakeContainer {
  running: boolean;
  paused: boolean;
}

export class FakeWorld {
  readonly containers = new Map<string, FakeContainer>();
  readonly calls: string[] = [];
  /** Apply the fault, then fail the inject without retry: a half-applied inject. */
  failInjectAfterApply = false;
  failRestore = false;
  /** A slow restore: the negative control for the stop condition's restore bound. */
  restoreDelayMs = 0;
  probeOk = true;
  reportResidue = false;
  greenAfterMs = 500;
  withinOverride?: number;

  constructor(names: string[]) {
    for (const n of names) this.containers.set(n, { running: true, paused: false });
  }

  clean(): boolean {
    return [...this.containers.values()].every((c) => c.running && !c.paused);
  }

  private apply(rec: FaultRecord): void {
    for (const t of rec.targets) {
      const c = this.containers.get(t.name)!;
      if (rec.kind === 'container-pause') c.paused = true;
      else if (rec.kind !== 'container-restart') c.running = false;
    }
  }

  activities(): Activities {
    const w = this;
    const sample = (ok: boolean): Sample => ({ ok, at: Date.now(), latencyMs: 1, error: ok ? undefined : 'fake probe down' });
    return {
      async validateStack() {
        w.calls.push('validateStack');
        return { services: [...w.containers.keys()] };
      },
      async stackUp(input) {
        w.calls.push('stackUp');
        return { project: input.project, ports: {}, services: [...w.containers.keys()] };
      },
      async stackDown() {
        w.calls.push('stackDown');
        return { removed: [] };
      },
      async collectLogs() {
        w.calls.push('collectLogs');
        return { dir: '/tmp/fake', files: [] };
      },
      async writeJournal() {
        w.calls.push('writeJournal');
        return { dir: '/tmp/fake' };
      },
      async resolveTargets(input): Promise<ContainerRef[]> {
        w.calls.push(`resolveTargets:${input.target.service}`);
        return [...w.containers.keys()]
          .filter((n) => n === input.target.service)
          .map((n) => ({ id: `id-${n}`, name: n, service: n }));
      },
      async injectFault(rec) {
        w.calls.push(`inject:${rec.stepPath}`);
        w.apply(rec);
        if (w.failInjectAfterApply) throw ApplicationFailure.nonRetryable('inject blew up halfway', 'FakeInjectFailure');
        return { injectedAt: Date.now(), details: rec.targets.map((t) => `${t.name}: ${rec.kind}`) };
      },
      async restoreFault(rec) {
        w.calls.push(`restore:${rec.stepPath}`);
        // Slow but alive: it heartbeats, so the restore policy's 5 s heartbeat timeout does not fire.
        for (let waited = 0; waited < w.restoreDelayMs; waited += 1000) {
          heartbeat();
          await new Promise((r) => setTimeout(r, 1000));
        }
        if (w.failRestore) throw ApplicationFailure.nonRetryable('docker refused', 'FakeRestoreFailure');
        const outcomes = rec.targets.map((t) => {
          const c = w.containers.get(t.name)!;
          const dirty = !c.running || c.paused;
          c.running = true;
          c.paused = false;
          return { container: t.name, outcome: dirty ? ('restored' as const) : ('already-clean' as const) };
        });
        return { restoredAt: Date.now(), outcomes };
      },
      async verifyFault(rec) {
        w.calls.push(`verify:${rec.stepPath}`);
        // Only this fault's own targets: another fault of an overlapping run may still be active elsewhere.
        const broken = (name: string) => !w.containers.get(name)!.running || w.containers.get(name)!.paused;
        const residue = rec.targets.filter((t) => broken(t.name) || w.reportResidue).map((t) => `${t.name} still broken`);
        return { residue };
      },
      async runProbe() {
        w.calls.push('probe');
        return sample(w.probeOk);
      },
      async timeToGreen(input) {
        w.calls.push('timeToGreen');
        const green = w.greenAfterMs <= input.withinMs;
        return { green, elapsedMs: green ? w.greenAfterMs : undefined, attempts: 3, lastError: green ? undefined : 'fake probe down' };
      },
      async runRollback(input) {
        w.calls.push(`rollback:${input.action}`);
        return { restoredAt: Date.now(), outcomes: [] };
      },
    };
  }
}
