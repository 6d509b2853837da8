/**
 * The prober: one continuous probe sampled on the worker's clock for as long as the run needs it,
 * in one long activity instead of an activity and a workflow timer per sample. Each sample starts
 * one interval after the previous one started (not after it ended), so the rate holds whatever the
 * probe's latency; a probe slower than its interval starts again at once, never in a burst.
 *
 * Every sample goes to the series file (artifacts/series.ts); the heartbeat carries a compact
 * ProberProgress. A retry after a dead worker resumes from the last heartbeat (or from the series
 * file, when it is on this host and newer): the sequence numbers and the failure streak go on, and
 * the time nothing was sampled is written as a gap. When an
 * `abortOnFail` probe's streak reaches `stopAfter`, the prober tells the workflow at once (a signal,
 * see proberActivity below), once per run (the first hit ends the method), and goes on sampling, so recovery is
 * still recorded. It stops when the workflow
 * asks through the stop file, or when the activity is cancelled.
 */
import { Context } from '@temporalio/activity';
import { existsSync } from 'node:fs';
import { type ParsedSeries, type SeriesLine, SeriesWriter, readSeries, seriesFile, seriesStopRequested } from '../artifacts/series';
import type { Clock } from '../ports';
import { PROBER_TRIPPED_SIGNAL } from '../../temporal/prober-signal';
import type { ProberInput, ProberProgress, ProberTrip, Sample } from '../types';

export interface ProberOptions {
  artifactsRoot: string;
  clock: Clock;
  attempt: number;
  signal: AbortSignal;
  /** What the previous attempt last heartbeated, when this attempt is a retry. */
  resume?: ProberProgress;
  sample: () => Promise<Sample>;
  heartbeat: (p: ProberProgress) => void;
  /** Reports a tripped stop condition; a rejection is retried at the next failing sample. */
  onTrip: (trip: ProberTrip) => Promise<void>;
  /** How often the stop file is looked for between samples (default 50 ms). */
  pollMs?: number;
  /** How often the progress is heartbeated while a sample or a wait is under way (default 1 s). */
  heartbeatMs?: number;
}

/** Below this, a zero or negative interval would be a busy loop against the target. */
const MIN_INTERVAL_MS = 10;

export function freshProgress(attempt: number): ProberProgress {
  return { attempt, seq: 0, ok: 0, failed: 0, streak: 0, tripped: false, late: 0, gaps: 0 };
}

export async function runProber(input: ProberInput, o: ProberOptions): Promise<ProberProgress> {
  const everyMs = Math.max(MIN_INTERVAL_MS, input.everyMs);
  const pollMs = o.pollMs ?? 50;
  const file = seriesFile(o.artifactsRoot, input.workflowId, input.index, input.id);
  const p = resumeFrom(o.resume, existsSync(file) ? readSeries(file) : undefined, o.attempt);
  p.probe = input.id;
  const out = new SeriesWriter(file);
  const write = (l: SeriesLine) => out.write(l);
  const startedAt = o.clock.now();
  write({ type: 'start', at: startedAt, attempt: o.attempt, everyMs });
  const resumedFrom = p.last?.at;
  if (resumedFrom !== undefined) {
    const missed = Math.max(0, Math.floor((startedAt - resumedFrom) / everyMs) - 1);
    write({ type: 'gap', from: resumedFrom, to: startedAt, missed, attempt: o.attempt });
    p.gaps++;
  }
  o.heartbeat(p);
  const beat = setInterval(() => o.heartbeat(p), o.heartbeatMs ?? 1000);
  const stopping = () => o.signal.aborted || seriesStopRequested(file);

  let next = startedAt;
  try {
    while (!stopping()) {
      const sample = await o.sample();
      p.seq++;
      write({ type: 'sample', seq: p.seq, attempt: o.attempt, ...sample });
      record(p, sample);
      if (input.stopAfter !== undefined && !p.tripped && p.streak >= input.stopAfter) {
        p.tripped = true;
        await o.onTrip({ index: input.index, sample, streak: p.streak, lastGreen: p.lastGreen }).catch(() => {
          p.tripped = false;
        });
      }
      o.heartbeat(p);
      next += everyMs;
      const now = o.clock.now();
      if (next < now - everyMs) p.late++;
      // Behind schedule: start the next sample now and keep the cadence from there.
      if (next < now) next = now;
      while (!stopping()) {
        const left = next - o.clock.now();
        if (left <= 0) break;
        await o.clock.sleep(Math.min(left, pollMs), o.signal).catch(() => undefined);
      }
    }
  } finally {
    clearInterval(beat);
    write({ type: 'stop', at: o.clock.now(), attempt: o.attempt });
    out.close();
  }
  o.heartbeat(p);
  return p;
}

/**
 * Where a retry picks up: the last heartbeat, or the series file when it holds later samples (the
 * heartbeat the server kept can be a few seconds old; the file is on this host when the retry is).
 */
function resumeFrom(beat: ProberProgress | undefined, written: ParsedSeries | undefined, attempt: number): ProberProgress {
  const lastSeq = written?.samples.at(-1)?.seq ?? 0;
  if (!written || lastSeq <= (beat?.seq ?? 0)) return beat ? { ...beat, attempt } : freshProgress(attempt);
  const p: ProberProgress = { ...freshProgress(attempt), tripped: beat?.tripped ?? false, late: beat?.late ?? 0, gaps: written.gaps.length };
  for (const s of written.samples) {
    const { seq, ...sample } = s;
    p.seq = Math.max(p.seq, seq);
    record(p, sample);
  }
  return p;
}

function record(p: ProberProgress, s: Sample): void {
  p.last = s;
  if (s.ok) {
    p.ok++;
    p.streak = 0;
    p.lastGreen = s;
  } else {
    p.failed++;
    p.streak++;
  }
}

export interface ProberDeps {
  artifactsRoot: string;
  clock: Clock;
  /** One observation of the input's probe (runProbe in a worker, a fake in workflow tests). */
  sample: (input: ProberInput) => Promise<Sample>;
}

const isProgress = (v: unknown): v is ProberProgress => typeof v === 'object' && v !== null && typeof (v as ProberProgress).seq === 'number';

/**
 * The prober as an activity: its attempt and last heartbeat from the activity context, its trip
 * reported to the workflow that started it as the PROBER_TRIPPED_SIGNAL signal.
 */
export function proberActivity(deps: ProberDeps, input: ProberInput): Promise<ProberProgress> {
  const ctx = Context.current();
  const run = ctx.info.workflowExecution;
  const details: unknown = ctx.info.heartbeatDetails;
  return runProber(input, {
    artifactsRoot: deps.artifactsRoot,
    clock: deps.clock,
    attempt: ctx.info.attempt,
    signal: ctx.cancellationSignal,
    resume: isProgress(details) ? details : undefined,
    sample: () => deps.sample(input),
    heartbeat: (p) => ctx.heartbeat(p),
    onTrip: async (trip) => {
      await ctx.client.workflow.getHandle(run?.workflowId ?? input.workflowId, run?.runId).signal(PROBER_TRIPPED_SIGNAL, trip);
    },
  });
}
