/**
 * Achieved versus requested timing: continuous-probe intervals at 100 ms, 250 ms and 1 s (with 1
 * and 5 probes), and fault windows of 100 ms, 500 ms and 2 s, through the real `experiment`
 * workflow on a Temporal dev server with a real worker. The baseline, measured in the same run, is
 * the floor: the same tcp probe in a plain loop scheduled the same way (each sample one interval
 * after the previous one started), and a plain setTimeout for a window. Ratios are against the
 * requested value and against that baseline, so the numbers survive a slow or busy machine.
 * Also printed: how the history grows per minute of experiment (a run three times as long against
 * one of the base length), and so the longest run that fits in Temporal's 51,200-event limit.
 *
 * Run: npm run bench:probes   (BENCH_PROBE_SECONDS=N, default 5: how long each series runs)
 * Needs the Temporal CLI (scripts/setup.sh); no Docker.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { hostOps } from '../src/activities/host/processes';
import { DEFAULT_POLICY, withHostPorts } from '../src/activities/policy';
import { systemClock } from '../src/activities/ports';
import { runProbe } from '../src/activities/probes';
import type { Sample } from '../src/activities/types';
import type { Journal } from '../src/report/journal';
import type { ExperimentInput, ProbeSpec } from '../src/spec';
import { ProbeSpec as ProbeSchema } from '../src/spec/probes';
import { createWorker } from '../src/worker/create';
import { installRuntime } from '../src/worker/runtime';
import { type TestTemporal, startTestTemporal } from '../test/helpers/temporal';
import { percentile, round } from './stats';

const HISTORY_LIMIT = 51_200;

function secondsFromEnv(): number {
  const raw = process.env.BENCH_PROBE_SECONDS ?? '5';
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 2) throw new Error(`BENCH_PROBE_SECONDS must be a number of at least 2, got "${raw}"`);
  return n;
}

const gaps = (ats: number[]): number[] => ats.slice(1).map((a, i) => a - ats[i]);

interface Row {
  what: string;
  requestedMs: number;
  baselineMedianMs: number;
  achievedMedianMs: number;
  achievedP95Ms: number;
  /** Achieved median / requested. */
  vsRequested: number;
  /** Achieved median / baseline median. */
  vsBaseline: number;
  samples?: number;
  /** History events of the whole run. */
  events?: number;
}

/** The floor: the same probe in a plain loop, each start one interval after the previous start. */
async function baselineIntervals(probe: ProbeSpec, everyMs: number, seconds: number): Promise<number[]> {
  const deps = { ops: undefined as never, clock: systemClock };
  const ats: number[] = [];
  const until = Date.now() + seconds * 1000;
  let next = Date.now();
  while (Date.now() < until) {
    const s: Sample = await runProbe(deps, { probe });
    ats.push(s.at);
    next = Math.max(next + everyMs, Date.now());
    await systemClock.sleep(next - Date.now());
  }
  return gaps(ats);
}

async function baselineWindow(ms: number): Promise<number> {
  const t0 = Date.now();
  await systemClock.sleep(ms);
  return Date.now() - t0;
}

class Bench {
  private n = 0;

  constructor(
    private readonly t: TestTemporal,
    private readonly worker: Worker,
    private readonly taskQueue: string,
    private readonly proc: string,
  ) {}

  async run(exp: ExperimentInput): Promise<{ journal: Journal; events: number }> {
    const workflowId = `bench-probes-${++this.n}-${randomBytes(3).toString('hex')}`;
    const journal = (await this.t.client.workflow.execute('experiment', { taskQueue: this.taskQueue, workflowId, args: [exp] })) as Journal;
    if (journal.outcome !== 'passed') throw new Error(`bench run ${workflowId} ended ${journal.outcome}: ${journal.reasons.join('; ')}`);
    const events = (await this.t.client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;
    return { journal, events };
  }

  /** A fault that needs no Docker: a process-kill of our own copy of `sleep`, restarted by the restore. */
  fault(duration: string): ExperimentInput['method'][number] {
    return { fault: { kind: 'process-kill', process: { name: this.proc }, restart: 'sleeper' }, duration };
  }
}

async function main(): Promise<number> {
  const seconds = secondsFromEnv();
  installRuntime('ERROR');
  const dir = mkdtempSync(join(tmpdir(), 'fl-bench-probes-'));
  const proc = `flbp${randomBytes(3).toString('hex')}`;
  const bin = join(dir, proc);
  copyFileSync('/bin/sleep', bin);
  spawn('/bin/sh', ['-c', '"$0" 3600 &', bin], { stdio: 'ignore' }).unref();
  const server: Server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const t = await startTestTemporal();
  const taskQueue = `bench-probes-${randomBytes(3).toString('hex')}`;
  const worker = await createWorker({
    connection: t.native,
    namespace: 'default',
    taskQueue,
    artifactsRoot: dir,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: join(__dirname, '..', '..', 'src', 'workflows', 'index.ts'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } }),
    policy: withHostPorts({ ...DEFAULT_POLICY, hostFaults: { enabled: true, processes: [proc], restarts: { sleeper: [bin, '3600'] } } }, [port]),
  });
  const bench = new Bench(t, worker, taskQueue, proc);
  const probeInput = { kind: 'tcp' as const, host: '127.0.0.1', port, timeout: '1s' };
  const probe = ProbeSchema.parse(probeInput);
  const rows: Row[] = [];
  let growth: { shortEvents: number; longEvents: number; perMinute: number } | undefined;
  try {
    await worker.runUntil(async () => {
      for (const everyMs of [100, 250, 1000]) {
        const base = await baselineIntervals(probe, everyMs, seconds);
        for (const count of [1, 5]) {
          const probes = Object.fromEntries([...Array(count).keys()].map((i) => [`p${i}`, probeInput]));
          const { journal, events } = await bench.run({
            name: 'bench-probes',
            hypothesis: 'the listener keeps accepting',
            probes,
            continuous: Object.keys(probes).map((id) => ({ probe: id, every: `${everyMs}ms` })),
            method: [bench.fault(`${seconds}s`)],
          });
          const f = journal.faults[0];
          const within = (s: Sample) => s.at >= f.injectedAt! && s.at <= f.restoreRequestedAt!;
          const intervals = journal.continuous.flatMap((s) => gaps(s.samples.filter(within).map((x) => x.at)));
          const achieved = percentile(intervals, 50);
          const baseline = percentile(base, 50);
          rows.push({
            what: `probe x${count}`,
            requestedMs: everyMs,
            baselineMedianMs: round(baseline),
            achievedMedianMs: round(achieved),
            achievedP95Ms: round(percentile(intervals, 95)),
            vsRequested: round(achieved / everyMs, 3),
            vsBaseline: round(achieved / baseline, 3),
            samples: intervals.length + journal.continuous.length,
            events,
          });
        }
      }
      // History growth: the same 5 probes at 250 ms for twice as long; what the longer run adds is per minute of experiment.
      const grown = async (secs: number) => {
        const probes = Object.fromEntries([...Array(5).keys()].map((i) => [`p${i}`, probeInput]));
        const continuous = Object.keys(probes).map((id) => ({ probe: id, every: '250ms' }));
        return (await bench.run({ name: 'bench-growth', hypothesis: 'the listener keeps accepting', probes, continuous, method: [bench.fault(`${secs}s`)] })).events;
      };
      const short = await grown(seconds);
      const long = await grown(seconds * 3);
      growth = { shortEvents: short, longEvents: long, perMinute: round((long - short) / ((seconds * 2) / 60), 1) };
      for (const ms of [100, 500, 2000]) {
        const base = await baselineWindow(ms);
        const { journal } = await bench.run({ name: 'bench-window', hypothesis: 'a window lasts what was asked', method: [bench.fault(`${ms}ms`)] });
        const f = journal.faults[0];
        const held = f.restoreRequestedAt! - f.injectedAt!;
        rows.push({
          what: 'fault window',
          requestedMs: ms,
          baselineMedianMs: base,
          achievedMedianMs: held,
          achievedP95Ms: held,
          vsRequested: round(held / ms, 3),
          vsBaseline: round(held / base, 3),
        });
      }
    });
  } finally {
    await t.teardown();
    server.close();
    for (const pid of await hostOps.find({ name: proc })) hostOps.signal(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`probe-interval: each series ${seconds}s, tcp probe on loopback, dev server ${t.address}`);
  console.log(formatRows(rows));
  if (growth) {
    const fits = growth.perMinute > 0 ? `${round(HISTORY_LIMIT / growth.perMinute / 60, 1)} h` : 'no limit from history (the prober runs up to its 24 h timeout)';
    console.log(`history growth, 5 probes at 250 ms: ${growth.shortEvents} events over ${seconds}s, ${growth.longEvents} over ${seconds * 3}s: ${growth.perMinute} events per minute; fits: ${fits}`);
  }
  console.log(JSON.stringify({ bench: 'probe-interval', seconds, unit: 'ms', rows, growth }));
  return 0;
}

function formatRows(rows: Row[]): string {
  const head = ['what', 'requested', 'baseline med', 'achieved med', 'achieved p95', 'x requested', 'x baseline', 'samples', 'events'];
  const body = rows.map((r) => [
    r.what,
    String(r.requestedMs),
    String(r.baselineMedianMs),
    String(r.achievedMedianMs),
    String(r.achievedP95Ms),
    String(r.vsRequested),
    String(r.vsBaseline),
    r.samples === undefined ? '' : String(r.samples),
    r.events === undefined ? '' : String(r.events),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`probe-interval: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
