/**
 * Continuous probes: each samples its target on a durable timer from the start of the method until
 * recovery has been measured, so the journal shows what users saw while the faults lasted.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { StackHandle } from '../activities/types';
import type { ProbeRecord, SeriesRecord } from '../report/journal';
import { type Experiment, continuousId, probeLabel, resolveProbe, toMs } from '../spec';
import { probing, summary } from './activities';

export class ContinuousProbes {
  private readonly scope = new CancellationScope();
  private readonly loops: Promise<void>[] = [];
  readonly series: SeriesRecord[] = [];

  constructor(
    private readonly exp: Experiment,
    private readonly onSample: (r: ProbeRecord, index: number) => void,
  ) {}

  start(stack: StackHandle | undefined): void {
    this.exp.continuous.forEach((c, i) => {
      const probe = resolveProbe(this.exp, c.probe);
      const record: SeriesRecord = { id: continuousId(c, i), probe: probeLabel(c.probe), everyMs: toMs(c.every), samples: [] };
      this.series.push(record);
      this.loops.push(
        this.scope
          .run(async () => {
            for (;;) {
              const sample = await probing.runProbe.executeWithOptions(summary(`sample ${record.id}`), [{ probe, stack }]);
              record.samples.push(sample);
              this.onSample({ label: record.id, sample }, i);
              await sleep(record.everyMs);
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
