/**
 * The fault lifecycle: the one place that orders the safety sequence around a FaultRecord. The
 * dead-man switch (a reverter) is armed before the target is touched, so no instant of a fault is
 * uncovered; it is disarmed only after a restore succeeded, so a failed restore keeps its safety
 * net; a run that is extended renews its lease first and then moves the switch to the new deadline.
 * Every effect comes in through a port, so the order is pinned by a unit test with fakes
 * (test/unit/activities/faults/lifecycle.test.ts), and the worker wires the Docker-backed ones.
 */
import type { Clock } from '../ports';
import type { Disarmed } from '../safety/reverter';
import type { FaultRecord, InjectResult, LeaseInput, LeaseResult, RestoreResult, VerifyResult } from '../types';

/** What the fault's drivers do to its targets, fanned out over the record. */
export interface FaultActions {
  inject(rec: FaultRecord): Promise<InjectResult>;
  restore(rec: FaultRecord): Promise<RestoreResult>;
  verify(rec: FaultRecord): Promise<VerifyResult>;
}

/** The dead-man switch of a record: arm returns the reverters' names (none for kinds with nothing to undo). */
export interface ReverterPort {
  arm(rec: FaultRecord): Promise<string[]>;
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

export function createFaultLifecycle(ports: LifecyclePorts): FaultLifecycle {
  const { faults, reverters, leases, clock } = ports;
  return {
    async inject(rec) {
      // A failed arm throws before the target is touched; a failed inject leaves the switch armed.
      const armed = await reverters.arm(rec);
      const r = await faults.inject(rec);
      if (armed.length === 0) return r;
      return { ...r, details: [...r.details, `dead-man switch armed until ${new Date(rec.deadlineAt ?? 0).toISOString()}`] };
    },

    async restore(rec) {
      const r = await faults.restore(rec);
      const disarmed = await reverters.disarm(rec.faultId);
      return withFiredNotes(r, disarmed);
    },

    async rearm(rec) {
      // The result is not checked, as before this module: the run holds the lease it renews, and a
      // foreign holder could only have taken it after it expired, when the fault is reverted anyway.
      await leases.acquire({ run: runOfFault(rec.faultId), faultId: rec.faultId, targets: rec.targets, expiresAt: rec.deadlineAt ?? clock.now() });
      return { reverters: await reverters.arm(rec) };
    },
  };
}

/** A reverter that had already run means the fault was undone by the switch, not by this restore: say so per target. */
function withFiredNotes(r: RestoreResult, disarmed: Disarmed[]): RestoreResult {
  for (const d of disarmed.filter((x) => x.fired)) {
    const o = r.outcomes.find((x) => x.container === d.target);
    const note = `dead-man switch had fired (exit ${d.exitCode ?? '?'})`;
    if (o) o.detail = o.detail ? `${o.detail}; ${note}` : note;
  }
  return r;
}
