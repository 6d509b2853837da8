/**
 * The compensation stack. A fault's restore is registered BEFORE its inject is scheduled, so a
 * half-applied inject (or one whose worker died mid-call) is still undone. Restores run in reverse
 * order and must be idempotent, which the fault drivers guarantee by keying on the fault id.
 */
import { CancellationScope, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { FaultRecord, RestoreResult } from '../activities/types';
import { SA_FAULTS } from '../temporal/search-attributes';
import { errorText } from '../errors';
import { PATCH_DEADLINE_FROM_INJECT } from './method';
import { injecting, quick, restoring, restoringMany, summary } from './proxies';
import type { RunRecorder } from './recorder';

export interface Compensation {
  record: FaultRecord;
  /** The fault as the activity summaries name it. */
  description: string;
  /**
   * Workflow time its restore is due: the end of its window (moved with pauses and extensions). A
   * fault without a window is due when its restore is asked for (the restore phase).
   */
  dueAt?: number;
}

export class Saga {
  private readonly stack: Compensation[] = [];
  private readonly all: Compensation[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  /** Epoch ms of the last successful restore; time-to-green counts from here. */
  lastRestoreAt = 0;

  constructor(private readonly rec: RunRecorder) {}

  register(c: Compensation): void {
    this.stack.push(c);
    this.all.push(c);
    this.publish();
  }

  /**
   * Keeps `FaultlineFaults` equal to the faults not yet restored. Set before the inject is scheduled,
   * so a run terminated mid-inject still tells the janitor what it may have left behind.
   */
  private publish(): void {
    const ids = this.stack.map((c) => c.record.faultId);
    upsertSearchAttributes([{ key: SA_FAULTS, value: ids.length > 0 ? ids : null }]);
  }

  /** Every fault ever registered, restored or not: the residue scan checks them all. */
  records(): FaultRecord[] {
    return this.all.map((c) => c.record);
  }

  /** The fault's window ends at `at` (workflow time): its restore is due then. */
  restoreDue(c: Compensation, at: number): void {
    c.dueAt = at;
  }

  /** Injects are tracked so the restore phase waits for any still in flight before undoing them. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  pending(): Compensation[] {
    return [...this.stack];
  }

  /**
   * Moves the dead-man deadline of every fault still held by `ms` (an extension or a pause kept
   * the fault longer than planned), so it does not revert itself before the run restores it.
   * Returns the faults whose switch could not be moved: they may revert early, which is the safe
   * direction, so the caller records it rather than failing the run.
   */
  async shiftDeadlines(ms: number): Promise<string[]> {
    const failed: string[] = [];
    for (const c of this.stack) {
      if (c.dueAt !== undefined) c.dueAt += ms;
      if (c.record.deadlineAt === undefined) continue;
      c.record.deadlineAt += ms;
      try {
        const proxy = patched(PATCH_DEADLINE_FROM_INJECT) ? injecting : quick;
        await proxy.rearmFault.executeWithOptions(summary(`re-arm dead-man switch: ${c.description}`), [c.record]);
      } catch (err) {
        failed.push(`${c.record.faultId}: ${errorText(err)}`);
      }
    }
    return failed;
  }

  /** Restores one fault now (a fault with a duration) and drops it from the stack on success. */
  async restoreNow(c: Compensation): Promise<void> {
    await CancellationScope.nonCancellable(() => this.restore(c));
  }

  /** Undoes everything still registered, newest first. Never throws; failures go to the recorder. */
  async restoreAll(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      await Promise.allSettled([...this.inflight]);
      for (const c of [...this.stack].reverse()) await this.restore(c);
    });
  }

  private async restore(c: Compensation): Promise<void> {
    if (!this.stack.includes(c)) return;
    const faultId = c.record.faultId;
    const requestedAt = Date.now();
    this.rec.record({ kind: 'restore-requested', faultId });
    try {
      const proxy = patched(PATCH_DEADLINE_FROM_INJECT) ? restoringMany : restoring;
      const result = await proxy.restoreFault.executeWithOptions(summary(`restore ${c.description}`), [c.record]);
      this.rec.record({ kind: 'restore-done', faultId, result });
      const early = firedEarly(faultId, result, Math.min(c.dueAt ?? requestedAt, requestedAt));
      if (early) this.rec.record({ kind: 'deviation', reasons: [early] });
      this.lastRestoreAt = Math.max(this.lastRestoreAt, result.restoredAt);
      this.stack.splice(this.stack.indexOf(c), 1);
      this.publish();
    } catch (err) {
      // It stays on the stack and in FaultlineFaults, for the janitor; after a restoreNow the restore phase tries again.
      this.rec.record({ kind: 'restore-failed', faultId, error: err });
    }
  }
}

/**
 * A dead-man switch that fired before the fault's restore was due cut the fault short: the method
 * ran on without it, so whatever the probes saw does not test the hypothesis. One that fired after
 * (a restore that came late: a worker or server down) did its job. Only restore results that report
 * when a switch fired (workers since issue 11) are judged, so older histories replay unchanged.
 */
export function firedEarly(faultId: string, result: RestoreResult, dueAt: number): string | undefined {
  const early = result.outcomes.filter((o) => o.selfRevertedAt !== undefined && o.selfRevertedAt < dueAt);
  if (early.length === 0) return undefined;
  const at = (ms: number) => new Date(ms).toISOString();
  const which = early.map((o) => `${o.container} at ${at(o.selfRevertedAt as number)}`).join(', ');
  return `fault ${faultId} did not last as asked: its dead-man switch reverted it before its restore was due at ${at(dueAt)} (${which}); raise its ttl or the safety grace`;
}
