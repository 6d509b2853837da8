/**
 * Continuous probes: each samples its target from the start of the method until recovery has been
 * measured, so the journal shows what users saw while the faults lasted.
 *
 * Each probe is one prober activity (activities/probes/prober.ts) sampling on the worker's clock at
 * the interval asked, writing every sample to the run's series file and heartbeating a summary:
 * a sample costs no history event, and sub-second intervals hold (a workflow timer on the dev
 * server fires on a one-second tick). An `abortOnFail` probe's prober signals the workflow the
 * moment its streak reaches `failuresToAbort`; the handler feeds that into the stop conditions as a
 * sample would. stop() asks the probers to finish through their stop files and reads the series
 * back into the journal in one activity. Runs recorded before this (no `continuous-prober` marker)
 * replay the old way: an activity and a workflow timer per sample.
 */
import { CancellationScope, defineSignal, isCancellation, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ProberTrip, Sample, StackHandle } from '../activities/types';
import type { ProbeRecord } from '../report/journal';
import { type Experiment, continuousId, formatMs, probeLabel, resolveProbe, toMs } from '../spec';
import { PROBER_TRIPPED_SIGNAL } from '../temporal/prober-signal';
import { probing, quick, summary } from './proxies';
import type { RunRecorder } from './recorder';

/** Patch id: continuous probes run as prober activities instead of an activity and a timer per sample. */
export const PATCH_CONTINUOUS_PROBER = 'continuous-prober';

/** How long stop() waits for the probers to write their last sample and stop. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * A prober runs as long as the run does, heartbeating every second: a dead worker is noticed within
 * 5 s and the prober resumes on another one, recording the gap.
 */
const probers = proxyActivities<Activities>({
  startToCloseTimeout: '24h',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 20, nonRetryableErrorTypes: ['InvalidScenario', 'SecretUnavailable'] },
});

export const proberTrippedSignal = defineSignal<[ProberTrip]>(PROBER_TRIPPED_SIGNAL);

export class ContinuousProbes {
  private readonly scope = new CancellationScope();
  private readonly loops: Promise<void>[] = [];
  /** The probes started as probers (new runs); empty for runs replaying the old loop. */
  private readonly started: Array<{ index: number; id: string }> = [];
  private stopped = false;

  /** `onSample` gets each sample (the old loop) or the samples that tripped a prober, with its streak. */
  constructor(
    private readonly exp: Experiment,
    private readonly rec: RunRecorder,
    private readonly onSample: (r: ProbeRecord, index: number, streak?: number) => void,
  ) {
    setHandler(proberTrippedSignal, (t) => this.tripped(t));
  }

  start(stack: StackHandle | undefined): void {
    if (this.exp.continuous.length === 0) return;
    const viaProber = patched(PATCH_CONTINUOUS_PROBER);
    this.exp.continuous.forEach((c, i) => {
      const probe = resolveProbe(this.exp, c.probe);
      const id = continuousId(c, i);
      const everyMs = toMs(c.every);
      this.rec.record({ kind: 'series-started', index: i, id, probe: probeLabel(c.probe), everyMs });
      if (!viaProber) return void this.loops.push(this.timerLoop(i, id, probe, stack, everyMs));
      this.started.push({ index: i, id });
      const input = { workflowId: this.rec.workflowId, index: i, id, probe, stack, everyMs, stopAfter: c.abortOnFail ? c.failuresToAbort : undefined };
      this.loops.push(
        this.scope
          .run(() => probers.runProber.executeWithOptions(summary(`prober ${id} every ${formatMs(everyMs)}`), [input]))
          .then(
            () => undefined,
            (err: unknown) => {
              if (isCancellation(err) || isCancellation((err as { cause?: unknown }).cause)) return;
              this.rec.record({ kind: 'problem', what: `continuous probe ${id} stopped sampling`, error: err });
            },
          ),
      );
    });
  }

  /** The sampling of runs recorded before the prober: kept as it was, so they replay. */
  private timerLoop(i: number, id: string, probe: ReturnType<typeof resolveProbe>, stack: StackHandle | undefined, everyMs: number): Promise<void> {
    return this.scope
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
      });
  }

  private tripped(t: ProberTrip): void {
    const p = this.started.find((s) => s.index === t.index);
    if (!p || this.stopped) return;
    const feed = (sample: Sample, streak?: number) => this.onSample({ label: p.id, sample }, t.index, streak);
    if (t.lastGreen) feed(t.lastGreen);
    feed(t.sample, t.streak);
  }

  /** Stops sampling, reads the probers' series into the journal and waits for the loops to wind down. */
  async stop(): Promise<void> {
    if (this.started.length > 0 && !this.stopped) {
      this.stopped = true;
      const ids = this.started.map((s) => s.id).join(', ');
      try {
        const r = await quick.stopProbers.executeWithOptions(summary(`stop probes ${ids}`), [
          { workflowId: this.rec.workflowId, probes: this.started, timeoutMs: STOP_TIMEOUT_MS },
        ]);
        for (const s of r.series) this.rec.record({ kind: 'series-read', series: s });
        for (const id of r.unconfirmed) {
          this.rec.record({ kind: 'problem', what: `continuous probe ${id}`, error: `did not confirm its stop within ${STOP_TIMEOUT_MS / 1000}s; its series may end early` });
        }
      } catch (err) {
        this.rec.record({ kind: 'problem', what: `continuous probe series (${ids}) could not be read back`, error: err });
      }
    }
    this.scope.cancel();
    await Promise.allSettled(this.loops);
  }
}
