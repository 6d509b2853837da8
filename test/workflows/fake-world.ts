/**
 * A fake of the activity port for workflow tests: an in-memory set of containers that faults
 * change and restores put back, with switches to make an inject, restore or probe misbehave.
 * The workflow under test is real and runs on a real Temporal dev server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import type { Activities } from '../../src/activities';
import { evaluateCheck } from '../../src/activities/checks';
import type { ContainerRef, FaultRecord, Sample } from '../../src/activities/types';
import { HistoryWriter, historyFile, requestStop, stopRequested } from '../../src/activities/workloads/history';

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
  /** What a probe that names a target returns; undefined: it finds nothing (no leader). */
  leader?: string;
  withinOverride?: number;
  /** Target name -> holding run, like the Docker-backed leases (expiry is not modelled here). */
  readonly leases = new Map<string, string>();
  /** Step path -> the dead-man deadline the fault was last armed with (inject or re-arm). */
  readonly deadlines = new Map<string, number>();
  leftoverHelpers: string[] = [];
  /** Fake workloads act like a policy gateway: they deny while any container is broken, unless it fails open. */
  failOpen = false;
  /** Where fake workloads write real history files, which the real checkers then judge. */
  readonly artifactsRoot = mkdtempSync(join(tmpdir(), 'fl-fake-world-'));

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
      async pickTargetByProbe(input) {
        w.calls.push(`pick:${input.choice.probe}`);
        if (w.leader === undefined) throw ApplicationFailure.nonRetryable('no meta leader', 'ProbeTargetUnavailable');
        const sample = { ok: true, at: Date.now(), latencyMs: 1, value: { metaLeader: w.leader } };
        return { target: { service: w.leader, mode: input.mode }, value: w.leader, sample };
      },
      async injectFault(rec) {
        w.calls.push(`inject:${rec.stepPath}`);
        if (rec.deadlineAt !== undefined) w.deadlines.set(rec.stepPath, rec.deadlineAt);
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
      async acquireLease(input) {
        w.calls.push('acquireLease');
        for (const t of input.targets) {
          const holder = w.leases.get(t.name);
          if (holder && holder !== input.run) return { acquired: false, holder: { run: holder, faultId: `${holder}/method[0]`, target: t.name, expiresAt: input.expiresAt } };
        }
        for (const t of input.targets) w.leases.set(t.name, input.run);
        return { acquired: true };
      },
      async releaseLeases(input) {
        w.calls.push('releaseLeases');
        const released = [...w.leases].filter(([, run]) => run === input.run).map(([name]) => name);
        for (const n of released) w.leases.delete(n);
        return { released };
      },
      async scanHelpers() {
        w.calls.push('scanHelpers');
        return { residue: w.leftoverHelpers };
      },
      async rearmFault(rec) {
        w.calls.push(`rearm:${rec.stepPath}`);
        if (rec.deadlineAt !== undefined) w.deadlines.set(rec.stepPath, rec.deadlineAt);
        return { reverters: [] };
      },
      async findOrphanFaults() {
        w.calls.push('findOrphanFaults');
        return [];
      },
      async runWorkload(input) {
        w.calls.push(`workload:${input.workload.id}`);
        const ctx = Context.current();
        const file = historyFile(w.artifactsRoot, input.workflowId, input.workload.id);
        const h = new HistoryWriter(file);
        const sum = { workload: input.workload.id, file, invoked: 0, ok: 0, failed: 0, unknown: 0, skipped: 0 };
        h.write({ type: 'start', at: Date.now(), attempt: ctx.info.attempt });
        while (!ctx.cancellationSignal.aborted && !stopRequested(file)) {
          const id = `${input.workload.id}-${++sum.invoked}`;
          h.write({ type: 'invoke', id, at: Date.now() });
          const allow = w.clean() || w.failOpen;
          h.write({ type: allow ? 'ok' : 'failed', id, at: Date.now(), latencyMs: 0, status: allow ? 200 : 403, decision: allow ? 'allow' : 'deny' });
          sum[allow ? 'ok' : 'failed']++;
          ctx.heartbeat();
          await new Promise((r) => setTimeout(r, 20));
        }
        h.write({ type: 'stop', at: Date.now() });
        h.close();
        w.calls.push(`workload-stopped:${input.workload.id}`);
        return sum;
      },
      async stopWorkloads(input) {
        w.calls.push('stopWorkloads');
        const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
        const ok = await Promise.all(input.ids.map((id) => requestStop(historyFile(w.artifactsRoot, input.workflowId, id), input.timeoutMs, sleep)));
        return { unconfirmed: input.ids.filter((_, i) => !ok[i]) };
      },
      async evaluateCheck(input) {
        w.calls.push(`check:${input.id}`);
        return evaluateCheck(w.artifactsRoot, input);
      },
    };
  }
}
