/**
 * The fault lifecycle: the one place that orders the safety sequence around a FaultRecord. The
 * dead-man switch (a reverter per target) is armed before any target is touched, so no instant of
 * a fault is uncovered; it is disarmed only after a restore succeeded, so a failed restore keeps
 * its safety net; a run that is extended renews its lease first and then moves the switch to the
 * new deadline.
 *
 * Deadlines count from the inject. A record that carries its TTL (`ttlMs`) is armed with a
 * provisional deadline (the later of the workflow's and now + TTL), then every target is injected,
 * and only then is the deadline fixed at the last inject's return plus the TTL: the lease is renewed
 * to it and each reverter's deadline is moved to it in place. So a batch of 200 targets that takes
 * a while to inject never eats into the TTL of its last target, and a SIGKILL between arm and
 * inject still finds every target covered. A reverter found fired by then (a batch slower than the
 * TTL itself) stays as evidence; a second one is armed for its target, which is injected again.
 *
 * Every effect comes in through a port, so the order is pinned by a unit test with fakes
 * (test/unit/activities/faults/lifecycle.test.ts), and the worker wires the Docker-backed ones.
 */
import type { Clock } from '../ports';
import type { Disarmed, MoveResult, ReverterSlot } from '../safety/reverter';
import type { ContainerRef, FaultRecord, InjectResult, LeaseInput, LeaseResult, RestoreResult, VerifyResult } from '../types';

/** What the fault's drivers do to its targets, fanned out over the record. */
export interface FaultActions {
  inject(rec: FaultRecord): Promise<InjectResult>;
  restore(rec: FaultRecord): Promise<RestoreResult>;
  verify(rec: FaultRecord): Promise<VerifyResult>;
}

/** One reverter, armed for one target. */
export interface ArmedReverter {
  name: string;
  target: ContainerRef;
}

/** The dead-man switch of a record: arm returns its reverters (none for kinds with nothing to undo). */
export interface ReverterPort {
  arm(rec: FaultRecord, slot?: ReverterSlot): Promise<ArmedReverter[]>;
  /** Moves the named reverters' deadline (never earlier); says per name whether it had fired instead. */
  move(names: string[], deadlineAt: number): Promise<MoveResult[]>;
  disarm(faultId: string): Promise<Disarmed[]>;
}

export interface LeasePort {
  acquire(input: LeaseInput): Promise<LeaseResult>;
}

export interface LifecyclePorts {
  faults: FaultActions;
  reverters: ReverterPort;
  leases: LeasePort;
  clock: Pick<Clock, 'now'>;
}

export interface FaultLifecycle {
  inject(rec: FaultRecord): Promise<InjectResult>;
  restore(rec: FaultRecord): Promise<RestoreResult>;
  /** For a run that is extended: moves the fault's lease and dead-man switch to `rec.deadlineAt`. */
  rearm(rec: FaultRecord): Promise<{ reverters: string[] }>;
}

/** A fault id is `<workflowId>/<step path>`; the run that owns leases and reverters is the workflow id. */
export const runOfFault = (faultId: string): string => faultId.slice(0, faultId.lastIndexOf('/'));

const iso = (ms: number): string => new Date(ms).toISOString();

export function createFaultLifecycle(ports: LifecyclePorts): FaultLifecycle {
  const { faults, reverters, leases, clock } = ports;
  const renewLease = (rec: FaultRecord, expiresAt: number) =>
    // The result is not checked: the run holds the lease it renews, and a foreign holder could only
    // have taken it after it expired, when the fault is reverted anyway.
    leases.acquire({ run: runOfFault(rec.faultId), faultId: rec.faultId, targets: rec.targets, expiresAt });

  return {
    async inject(rec) {
      const ttl = rec.ttlMs;
      // A failed arm throws before the target is touched; a failed inject leaves the switch armed.
      const first = ttl === undefined ? rec : { ...rec, deadlineAt: Math.max(rec.deadlineAt ?? 0, clock.now() + ttl) };
      const armed = await reverters.arm(first);
      const r = await faults.inject(first);
      if (ttl === undefined) {
        if (armed.length === 0) return r;
        return { ...r, details: [...r.details, `dead-man switch armed until ${iso(rec.deadlineAt ?? 0)}`] };
      }
      // Every target's inject has returned: its TTL counts from here. The lease first, so the
      // switch never holds a target past the run's claim on it.
      const deadlineAt = Math.max(first.deadlineAt ?? 0, r.injectedAt + ttl);
      await renewLease(rec, deadlineAt);
      const details = [...r.details];
      if (armed.length > 0) {
        const moved = await reverters.move(
          armed.map((a) => a.name),
          deadlineAt,
        );
        const fired = armed.filter((_, i) => moved[i] === 'fired').map((a) => a.target);
        if (fired.length > 0) details.push(...(await coverAgain(rec, fired, deadlineAt)));
        details.push(`dead-man switch armed until ${iso(deadlineAt)} (${formatTtl(ttl)} after the last inject)`);
      }
      return { ...r, details, deadlineAt };
    },

    async restore(rec) {
      const r = await faults.restore(rec);
      const disarmed = await reverters.disarm(rec.faultId);
      return withFiredNotes(r, disarmed);
    },

    async rearm(rec) {
      await renewLease(rec, rec.deadlineAt ?? clock.now());
      return { reverters: (await reverters.arm(rec)).map((a) => a.name) };
    },
  };

  /**
   * Targets whose switch fired while the batch was still being injected: the fired reverter stays
   * (the restore reports it, and the run deviates), a second one holds the deadline, and the
   * target is injected again, after that one is armed, so the fault holds for the rest of its window.
   */
  async function coverAgain(rec: FaultRecord, targets: ContainerRef[], deadlineAt: number): Promise<string[]> {
    const again: FaultRecord = { ...rec, targets, deadlineAt };
    await reverters.arm(again, 'again');
    await faults.inject(again);
    return targets.map((t) => `${t.name}: the dead-man switch fired before the batch was injected; armed again and injected again`);
  }
}

const formatTtl = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** A reverter that had already run means the fault was undone by the switch, not by this restore: say so per target. */
function withFiredNotes(r: RestoreResult, disarmed: Disarmed[]): RestoreResult {
  for (const d of disarmed.filter((x) => x.fired)) {
    const o = r.outcomes.find((x) => x.container === d.target);
    const note = `dead-man switch had fired (exit ${d.exitCode ?? '?'})`;
    if (!o) continue;
    o.detail = o.detail ? `${o.detail}; ${note}` : note;
    // The earliest, when a target had two (one fired during its batch, one later).
    if (d.firedAt !== undefined) o.selfRevertedAt = Math.min(o.selfRevertedAt ?? d.firedAt, d.firedAt);
  }
  return r;
}
