/**
 * Continuous probes: each samples its target on a durable timer from the start of the method until
 * recovery has been measured, so the journal shows what users saw while the faults lasted.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { StackHandle } from '../activities/types';
import type { ProbeRecord } from '../report/journal';
import { type Experiment, continuousId, probeLabel, resolveProbe, toMs } from '../spec';
import { probing, summary } from './proxies';
import type { RunRecorder } from './recorder';

export class ContinuousProbes {
  private readonly scope = new CancellationScope();
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly exp: Experiment,
    private readonly rec: RunRecorder,
    private readonly onSample: (r: ProbeRecord, index: number) => void,
  ) {}

  start(stack: StackHandle | undefined): void {
    this.exp.continuous.forEach((c, i) => {
      const probe = resolveProbe(this.exp, c.probe);
      const id = continuousId(c, i);
      const everyMs = toMs(c.every);
      this.rec.record({ kind: 'series-started', index: i, id, probe: probeLabel(c.probe), everyMs });
      this.loops.push(
        this.scope
          .run(async () => {
            for (;;) {
              const sample = await probing.runProbe.executeWithOptions(summary(`sample ${id}`), [{ probe, stack }]);
              this.rec.record({ kind: 'series-sampled', index: i, sample });
              this.onSample({ label: id, sample }, i);
              await sleep(everyMs);
            }
          })
          .catch((err) => {
            if (!isCancellation(err)) throw err;
          }),
      );
    });
  }

  /** Stops sampling and waits for the loops to wind down. */
  async stop(): Promise<void> {
    this.scope.cancel();
    await Promise.allSettled(this.loops);
  }
}
