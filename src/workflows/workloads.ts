/**
 * The run's workloads: each is one long activity started once the stack is up and cancelled after
 * recovery has been measured. Their scope hangs off the workflow's root, so an abort of the method
 * does not stop them before the restores; stop() always does, before history checks and teardown.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { StackHandle } from '../activities/types';
import type { Journal, WorkloadEntry } from '../report/journal';
import { type Experiment, describeWorkload } from '../spec';
import { background, quick, summary } from './activities';
import { errorText } from '../errors';

const STOP_TIMEOUT_MS = 30_000;

export class Workloads {
  private readonly scope = new CancellationScope();
  private readonly runs: Promise<void>[] = [];
  private stoppedAt?: number;

  constructor(
    private readonly exp: Experiment,
    private readonly journal: Journal,
  ) {}

  start(stack: StackHandle | undefined): void {
    const workflowId = this.journal.workflowId;
    for (const workload of this.exp.workloads) {
      const entry: WorkloadEntry = { id: workload.id, description: describeWorkload(workload), startedAt: Date.now() };
      this.journal.workloads.push(entry);
      // scope.run settles as soon as the scope is cancelled; the activity's own promise settles only
      // once the activity has finished (WAIT_CANCELLATION_COMPLETED), which is what stop() waits for.
      void this.scope
        .run(() => {
          const activity = background.runWorkload.executeWithOptions(summary(`workload ${entry.description}`), [{ workflowId, workload, stack }]);
          this.runs.push(
            activity.then(
              () => undefined,
              (err: unknown) => {
                // Cancellation is how a workload is stopped; anything else is recorded for the reader.
                if (!isCancellation(err) && !isCancellation((err as { cause?: unknown }).cause)) entry.error = errorText(err);
              },
            ).finally(() => {
              entry.stoppedAt = Date.now();
            }),
          );
          return activity;
        })
        .catch(() => undefined);
    }
  }

  /**
   * Stops every workload and waits until each has written its last outcome (the stop-file
   * handshake), then cancels whatever is left, e.g. an attempt wedged on a dead worker. Idempotent.
   */
  async stop(): Promise<number> {
    if (this.stoppedAt !== undefined) return this.stoppedAt;
    const entries = this.journal.workloads;
    if (entries.length > 0) {
      try {
        const r = await quick.stopWorkloads.executeWithOptions(summary(`stop workloads ${entries.map((e) => e.id).join(', ')}`), [
          { workflowId: this.journal.workflowId, ids: entries.map((e) => e.id), timeoutMs: STOP_TIMEOUT_MS },
        ]);
        for (const id of r.unconfirmed) this.note(id, `did not confirm its stop within ${STOP_TIMEOUT_MS / 1000}s`);
      } catch (err) {
        for (const e of entries) this.note(e.id, `stop failed: ${errorText(err)}`);
      }
      await Promise.race([Promise.allSettled(this.runs), sleep(STOP_TIMEOUT_MS)]);
    }
    this.scope.cancel();
    this.stoppedAt = Date.now();
    return this.stoppedAt;
  }

  private note(id: string, error: string): void {
    const e = this.journal.workloads.find((w) => w.id === id);
    if (e) e.error = e.error ? `${e.error}; ${error}` : error;
  }
}
