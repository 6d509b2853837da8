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
import { DEFAULT_GUARDRAILS, type GuardrailsSection, guardrailConfig } from '../../src/activities/guardrails/config';
import { type TargetFacts, decideFault, decideRun } from '../../src/activities/guardrails/decide';
import { evaluateCheck } from '../../src/activities/checks';
import type { ContainerRef, FaultRecord, Sample } from '../../src/activities/types';
import { HistoryWriter, historyFile, requestStop, stopRequested } from '../../src/activities/workloads/history';
import { stopProbers } from '../../src/activities/artifacts/series';
import { proberActivity } from '../../src/activities/probes/prober';
import { systemClock } from '../../src/activities/ports';
import { sleepFor } from '../../src/activities/sleep';

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
  /** A slow inject: the run can be aborted while it is in flight (it then logs `inject-landed:`). */
  injectDelayMs = 0;
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
  /** The worker's guardrails, judged by the real decision module over these fake containers. */
  guardrails: GuardrailsSection = DEFAULT_GUARDRAILS;
  /** Containers the fake says Faultline did not start (no faultline.project label). */
  readonly foreign = new Set<string>();
  /** Each guardrail check (`run`, or `inject:<step path>`) and how many calls had been made before it. */
  readonly guardrailChecks: Array<{ check: string; callsBefore: number; allowed: boolean }> = [];
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

  /** The inputs of stackUp, stackDown and attachStack, in call order. */
  readonly stackInputs: Array<{ call: string; project: string; owner?: { workflowId: string; runId: string }; stack?: unknown }> = [];

  activities(): Activities {
    const sample = (ok: boolean): Sample => ({ ok, at: Date.now(), latencyMs: 1, error: ok ? undefined : 'fake probe down' });
    return {
      validateStack: async () => {
        this.calls.push('validateStack');
        return { services: [...this.containers.keys()] };
      },
      stackUp: async (input) => {
        this.calls.push('stackUp');
        this.stackInputs.push({ call: 'stackUp', ...input });
        return { project: input.project, ports: {}, services: [...this.containers.keys()] };
      },
      stackDown: async (input) => {
        this.calls.push('stackDown');
        this.stackInputs.push({ call: 'stackDown', ...input });
        return { removed: [] };
      },
      attachStack: async (input) => {
        this.calls.push('attachStack');
        this.stackInputs.push({ call: 'attachStack', ...input });
        return { project: input.project, ports: {}, services: [...this.containers.keys()], attached: true };
      },
      collectLogs: async () => {
        this.calls.push('collectLogs');
        return { dir: '/tmp/fake', files: [] };
      },
      writeJournal: async () => {
        this.calls.push('writeJournal');
        return { dir: '/tmp/fake' };
      },
      checkGuardrails: async (input) => {
        const cfg = guardrailConfig(this.guardrails);
        const callsBefore = this.calls.length;
        if (input.stage === 'run') {
          const d = decideRun(cfg, input.scenario, input.faults);
          this.guardrailChecks.push({ check: 'run', callsBefore, allowed: d.allowed });
          return { stage: 'run', at: Date.now(), ...d, maxFaultDurationMs: cfg.maxFaultDurationMs };
        }
        const targets = input.targets.map((t): TargetFacts => ({
          id: t.id,
          name: t.name,
          ports: [],
          serviceSize: 1,
          labels: this.foreign.has(t.name) ? { 'com.docker.compose.service': t.name } : { 'faultline.project': 'fake', 'faultline.service': t.name },
        }));
        const d = decideFault(cfg, input.scenario, { fault: input.fault, targets, host: false, activeInRun: input.activeInRun, activeElsewhere: 0 });
        this.guardrailChecks.push({ check: `inject:${input.fault.stepPath}`, callsBefore, allowed: d.allowed });
        return { stage: 'inject', stepPath: input.fault.stepPath, at: Date.now(), ...d, maxFaultDurationMs: cfg.maxFaultDurationMs };
      },
      resolveTargets: async (input): Promise<ContainerRef[]> => {
        this.calls.push(`resolveTargets:${input.target.service}`);
        return [...this.containers.keys()]
          .filter((n) => n === input.target.service)
          .map((n) => ({ id: `id-${n}`, name: n, service: n }));
      },
      pickTargetByProbe: async (input) => {
        this.calls.push(`pick:${input.choice.probe}`);
        if (this.leader === undefined) throw ApplicationFailure.nonRetryable('no meta leader', 'ProbeTargetUnavailable');
        const sample = { ok: true, at: Date.now(), latencyMs: 1, value: { metaLeader: this.leader } };
        return { target: { service: this.leader, mode: input.mode }, value: this.leader, sample };
      },
      injectFault: async (rec) => {
        this.calls.push(`inject:${rec.stepPath}`);
        if (rec.deadlineAt !== undefined) this.deadlines.set(rec.stepPath, rec.deadlineAt);
        if (this.injectDelayMs > 0) await new Promise((r) => setTimeout(r, this.injectDelayMs));
        this.apply(rec);
        if (this.injectDelayMs > 0) this.calls.push(`inject-landed:${rec.stepPath}`);
        if (this.failInjectAfterApply) throw ApplicationFailure.nonRetryable('inject blew up halfway', 'FakeInjectFailure');
        return { injectedAt: Date.now(), details: rec.targets.map((t) => `${t.name}: ${rec.kind}`) };
      },
      restoreFault: async (rec) => {
        this.calls.push(`restore:${rec.stepPath}`);
        // Slow but alive: it heartbeats, so the restore policy's 5 s heartbeat timeout does not fire.
        for (let waited = 0; waited < this.restoreDelayMs; waited += 1000) {
          heartbeat();
          await new Promise((r) => setTimeout(r, 1000));
        }
        if (this.failRestore) throw ApplicationFailure.nonRetryable('docker refused', 'FakeRestoreFailure');
        const outcomes = rec.targets.map((t) => {
          const c = this.containers.get(t.name)!;
          const dirty = !c.running || c.paused;
          c.running = true;
          c.paused = false;
          return { container: t.name, outcome: dirty ? ('restored' as const) : ('already-clean' as const) };
        });
        return { restoredAt: Date.now(), outcomes };
      },
      verifyFault: async (rec) => {
        this.calls.push(`verify:${rec.stepPath}`);
        // Only this fault's own targets: another fault of an overlapping run may still be active elsewhere.
        const broken = (name: string) => !this.containers.get(name)!.running || this.containers.get(name)!.paused;
        const residue = rec.targets.filter((t) => broken(t.name) || this.reportResidue).map((t) => `${t.name} still broken`);
        return { residue };
      },
      runProbe: async () => {
        this.calls.push('probe');
        return sample(this.probeOk);
      },
      // The real prober and series files, sampling the fake probe: only the observation is faked.
      runProber: async (input) => {
        this.calls.push(`prober:${input.id}`);
        return proberActivity({ artifactsRoot: this.artifactsRoot, clock: systemClock, sample: async () => sample(this.probeOk) }, input);
      },
      stopProbers: async (input) => {
        this.calls.push('stopProbers');
        return stopProbers(this.artifactsRoot, (ms) => systemClock.sleep(ms), input);
      },
      sleepFor: async (input) => {
        this.calls.push(`sleep:${input.ms}`);
        return sleepFor(systemClock, input, Context.current().cancellationSignal);
      },
      timeToGreen: async (input) => {
        this.calls.push('timeToGreen');
        const green = this.greenAfterMs <= input.withinMs;
        return { green, elapsedMs: green ? this.greenAfterMs : undefined, attempts: 3, lastError: green ? undefined : 'fake probe down' };
      },
      runRollback: async (input) => {
        this.calls.push(`rollback:${input.action}`);
        return { restoredAt: Date.now(), outcomes: [] };
      },
      acquireLease: async (input) => {
        this.calls.push('acquireLease');
        for (const t of input.targets) {
          const holder = this.leases.get(t.name);
          if (holder && holder !== input.run) return { acquired: false, holder: { run: holder, faultId: `${holder}/method[0]`, target: t.name, expiresAt: input.expiresAt } };
        }
        for (const t of input.targets) this.leases.set(t.name, input.run);
        return { acquired: true };
      },
      releaseLeases: async (input) => {
        this.calls.push('releaseLeases');
        const released = [...this.leases].filter(([, run]) => run === input.run).map(([name]) => name);
        for (const n of released) this.leases.delete(n);
        return { released };
      },
      scanHelpers: async () => {
        this.calls.push('scanHelpers');
        return { residue: this.leftoverHelpers };
      },
      rearmFault: async (rec) => {
        this.calls.push(`rearm:${rec.stepPath}`);
        if (rec.deadlineAt !== undefined) this.deadlines.set(rec.stepPath, rec.deadlineAt);
        return { reverters: [] };
      },
      findOrphanFaults: async () => {
        this.calls.push('findOrphanFaults');
        return [];
      },
      runWorkload: async (input) => {
        this.calls.push(`workload:${input.workload.id}`);
        const ctx = Context.current();
        const file = historyFile(this.artifactsRoot, input.workflowId, input.workload.id);
        const h = new HistoryWriter(file);
        const sum = { workload: input.workload.id, file, invoked: 0, ok: 0, failed: 0, unknown: 0, skipped: 0 };
        h.write({ type: 'start', at: Date.now(), attempt: ctx.info.attempt });
        while (!ctx.cancellationSignal.aborted && !stopRequested(file)) {
          const id = `${input.workload.id}-${++sum.invoked}`;
          h.write({ type: 'invoke', id, at: Date.now() });
          const allow = this.clean() || this.failOpen;
          h.write({ type: allow ? 'ok' : 'failed', id, at: Date.now(), latencyMs: 0, status: allow ? 200 : 403, decision: allow ? 'allow' : 'deny' });
          sum[allow ? 'ok' : 'failed']++;
          ctx.heartbeat();
          await new Promise((r) => setTimeout(r, 20));
        }
        h.write({ type: 'stop', at: Date.now() });
        h.close();
        this.calls.push(`workload-stopped:${input.workload.id}`);
        return sum;
      },
      stopWorkloads: async (input) => {
        this.calls.push('stopWorkloads');
        const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
        const ok = await Promise.all(input.ids.map((id) => requestStop(historyFile(this.artifactsRoot, input.workflowId, id), input.timeoutMs, sleep)));
        return { unconfirmed: input.ids.filter((_, i) => !ok[i]) };
      },
      evaluateCheck: async (input) => {
        this.calls.push(`check:${input.id}`);
        return evaluateCheck(this.artifactsRoot, input);
      },
    };
  }
}
