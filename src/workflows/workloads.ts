/**
 * The run's workloads: each is one long activity started once the stack is up and cancelled after
 * recovery has been measured. Their scope hangs off the workflow's root, so an abort of the method
 * does not stop them before the restores; stop() always does, before history checks and teardown.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { StackHandle } from '../activities/types';
import { type Experiment, describeWorkload } from '../spec';
import { errorText } from '../errors';
import { background, quick, summary } from './proxies';
import type { RunRecorder } from './recorder';

const STOP_TIMEOUT_MS = 30_000;

export class Workloads {
  private readonly scope = new CancellationScope();
  private readonly runs: Promise<void>[] = [];
  /** The workloads started, in order: only those are stopped. */
  private readonly ids: string[] = [];
  private stoppedAt?: number;

  constructor(
    private readonly exp: Experiment,
    private readonly rec: RunRecorder,
  ) {}

  start(stack: StackHandle | undefined): void {
    const workflowId = this.rec.workflowId;
    for (const workload of this.exp.workloads) {
      const { id } = workload;
      const description = describeWorkload(workload);
      this.ids.push(id);
      this.rec.record({ kind: 'workload-started', id, description });
      // scope.run settles as soon as the scope is cancelled; the activity's own promise settles only
      // once the activity has finished (WAIT_CANCELLATION_COMPLETED), which is what stop() waits for.
      void this.scope
        .run(() => {
          const activity = background.runWorkload.executeWithOptions(summary(`workload ${description}`), [{ workflowId, workload, stack }]);
          this.runs.push(
            activity.then(
              () => undefined,
              (err: unknown) => {
                // Cancellation is how a workload is stopped; anything else is recorded for the reader.
                if (!isCancellation(err) && !isCancellation((err as { cause?: unknown }).cause)) this.rec.record({ kind: 'workload-failed', id, error: err });
              },
            ).finally(() => {
              this.rec.record({ kind: 'workload-stopped', id });
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
    const ids = this.ids;
    if (ids.length > 0) {
      try {
        const r = await quick.stopWorkloads.executeWithOptions(summary(`stop workloads ${ids.join(', ')}`), [
          { workflowId: this.rec.workflowId, ids: [...ids], timeoutMs: STOP_TIMEOUT_MS },
        ]);
        for (const id of r.unconfirmed) this.note(id, `did not confirm its stop within ${STOP_TIMEOUT_MS / 1000}s`);
      } catch (err) {
        for (const id of ids) this.note(id, `stop failed: ${errorText(err)}`);
      }
      await Promise.race([Promise.allSettled(this.runs), sleep(STOP_TIMEOUT_MS)]);
    }
    this.scope.cancel();
    this.stoppedAt = Date.now();
    return this.stoppedAt;
  }

  private note(id: string, problem: string): void {
    this.rec.record({ kind: 'workload-stop-problem', id, problem });
  }
}
