/**
 * The prober loop with a fake clock (time moves only when something sleeps or a fake sample takes
 * its latency) and real series files: the cadence is kept from each sample's start, a slow probe is
 * never caught up in a burst, the stop condition is reported once at the sample that trips it, a
 * retry resumes the sequence and the streak after a recorded gap, and the stop-file handshake reads
 * back exactly what was written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SeriesLine, inlineSamples, readSeries, seriesFile, seriesStopFile, stopProbers } from '../../../../src/activities/artifacts/series';
import { systemClock } from '../../../../src/activities/ports';
import { type ProberOptions, freshProgress, runProber } from '../../../../src/activities/probes/prober';
import type { ProberInput, ProberProgress, ProberTrip, Sample } from '../../../../src/activities/types';
import { FakeClock } from '../../fakes/clock';

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'fl-prober-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const input = (over: Partial<ProberInput> = {}): ProberInput => ({
  workflowId: `wf-${++n}`,
  index: 0,
  id: 'up',
  probe: { kind: 'tcp', port: 1, timeout: '1s' } as ProberInput['probe'],
  everyMs: 250,
  ...over,
});

/** A fake probe: `oks[i]` is the i-th sample's outcome, each takes `latencyMs` of fake time; the stop file is written after the last. */
function scripted(clock: FakeClock, file: string, oks: boolean[], latencyMs = 10): () => Promise<Sample> {
  let i = 0;
  return async () => {
    const at = clock.now();
    clock.current += latencyMs;
    const ok = oks[i++];
    if (i >= oks.length) writeFileSync(seriesStopFile(file), 'stop\n');
    return { ok, at, latencyMs, error: ok ? undefined : 'down' };
  };
}

function options(clock: FakeClock, sample: () => Promise<Sample>, over: Partial<ProberOptions> = {}): ProberOptions & { beats: ProberProgress[]; trips: ProberTrip[] } {
  const beats: ProberProgress[] = [];
  const trips: ProberTrip[] = [];
  return {
    artifactsRoot: root,
    clock,
    attempt: 1,
    signal: new AbortController().signal,
    sample,
    heartbeat: (p) => beats.push(structuredClone(p)),
    onTrip: async (t) => void trips.push(t),
    heartbeatMs: 60_000,
    beats,
    trips,
    ...over,
  };
}

const lines = (file: string): SeriesLine[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SeriesLine);

const diffs = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]);

test('each sample starts one interval after the previous one started, whatever the probe latency', async () => {
  const clock = new FakeClock();
  const inp = input();
  const file = seriesFile(root, inp.workflowId, 0, 'up');
  const o = options(clock, scripted(clock, file, Array(12).fill(true), 100));
  const p = await runProber(inp, o);
  const series = readSeries(file);
  expect(series.samples.map((s) => s.seq)).toEqual([...Array(12).keys()].map((i) => i + 1));
  // Scheduled from the start: 250 apart. Scheduling from the end would give 350.
  expect(diffs(series.samples.map((s) => s.at))).toEqual(Array(11).fill(250));
  expect(p).toMatchObject({ seq: 12, ok: 12, failed: 0, streak: 0, late: 0, gaps: 0 });
  expect(o.beats.at(-1)).toMatchObject({ seq: 12, last: expect.objectContaining({ ok: true }) });
  const kinds = lines(file).map((l) => l.type);
  expect(kinds[0]).toBe('start');
  expect(kinds.at(-1)).toBe('stop');
});

test('a probe slower than its interval starts again at once, never in a burst to catch up', async () => {
  const clock = new FakeClock();
  const inp = input();
  const file = seriesFile(root, inp.workflowId, 0, 'up');
  await runProber(inp, options(clock, scripted(clock, file, Array(6).fill(true), 400)));
  expect(diffs(readSeries(file).samples.map((s) => s.at))).toEqual(Array(5).fill(400));
});

test('the stop condition is reported once, at the sample that makes the streak reach stopAfter', async () => {
  const clock = new FakeClock();
  const inp = input({ stopAfter: 2 });
  const file = seriesFile(root, inp.workflowId, 0, 'up');
  const o = options(clock, scripted(clock, file, [true, true, false, true, false, false, false, true, false, false]));
  const p = await runProber(inp, o);
  const samples = readSeries(file).samples;
  expect(o.trips).toHaveLength(1);
  // The 6th sample is the second failure in a row; the last green one is the 4th.
  expect(o.trips[0]).toEqual({ index: 0, streak: 2, sample: expect.objectContaining({ at: samples[5].at, ok: false }), lastGreen: expect.objectContaining({ at: samples[3].at }) });
  // Sampling went on after the trip, so recovery is in the series.
  expect(samples).toHaveLength(10);
  expect(p).toMatchObject({ tripped: true, streak: 2, failed: 6, ok: 4 });
});

test('negative control: without stopAfter, or with a streak broken by a green sample, nothing is reported', async () => {
  const clock = new FakeClock();
  const a = input();
  const oa = options(clock, scripted(clock, seriesFile(root, a.workflowId, 0, 'up'), [false, false, false]));
  await runProber(a, oa);
  expect(oa.trips).toEqual([]);
  const b = input({ stopAfter: 2 });
  const ob = options(clock, scripted(clock, seriesFile(root, b.workflowId, 0, 'up'), [false, true, false, true, false]));
  await runProber(b, ob);
  expect(ob.trips).toEqual([]);
});

test('a retry resumes from the last heartbeat: sequence and streak go on after a recorded gap', async () => {
  const clock = new FakeClock(1_000_000);
  const inp = input({ stopAfter: 2 });
  const file = seriesFile(root, inp.workflowId, 0, 'up');
  const before = await runProber(inp, options(clock, scripted(clock, file, [true, false])));
  // The worker dies (here: the first attempt was stopped, and its stop file goes); the retry starts 2 s after the last sample.
  rmSync(seriesStopFile(file));
  clock.current = before.last!.at + 2000;
  const o = options(clock, scripted(clock, file, [false, true]), { attempt: 2, resume: before });
  const after = await runProber(inp, o);
  const series = readSeries(file);
  expect(series.samples.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
  expect(series.attempts).toBe(2);
  expect(series.gaps).toEqual([{ from: before.last!.at, to: before.last!.at + 2000, missed: 7, attempt: 2 }]);
  // The failure before the crash and the one after make two in a row.
  expect(o.trips).toEqual([expect.objectContaining({ streak: 2 })]);
  expect(after).toMatchObject({ attempt: 2, seq: 4, gaps: 1 });
});

test('a retry whose last heartbeat is older than the file resumes from the file: no sequence number repeats', async () => {
  const clock = new FakeClock(1_000_000);
  const inp = input();
  const file = seriesFile(root, inp.workflowId, 0, 'up');
  const o1 = options(clock, scripted(clock, file, [true, true, true, false]));
  await runProber(inp, o1);
  rmSync(seriesStopFile(file));
  // The server kept the heartbeat after the first sample only.
  const stale = o1.beats.find((b) => b.seq === 1)!;
  clock.current += 1000;
  const after = await runProber(inp, options(clock, scripted(clock, file, [false]), { attempt: 2, resume: stale }));
  expect(readSeries(file).samples.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(after).toMatchObject({ seq: 5, ok: 3, failed: 2, streak: 2, gaps: 1 });
});

test('cancellation ends the loop with a stop line', async () => {
  const clock = new FakeClock();
  const inp = input();
  const file = seriesFile(root, inp.workflowId, 0, 'up');
  const ac = new AbortController();
  let i = 0;
  const sample = async (): Promise<Sample> => {
    if (++i === 3) ac.abort();
    return { ok: true, at: clock.now(), latencyMs: 1 };
  };
  await runProber(inp, options(clock, sample, { signal: ac.signal }));
  expect(readSeries(file).samples).toHaveLength(3);
  expect(lines(file).at(-1)?.type).toBe('stop');
});

test('stopProbers stops a live prober and reads back every sample it wrote', async () => {
  const inp = input({ everyMs: 20 });
  const running = runProber(inp, {
    artifactsRoot: root,
    clock: systemClock,
    attempt: 1,
    signal: new AbortController().signal,
    sample: async () => ({ ok: true, at: Date.now(), latencyMs: 0 }),
    heartbeat: () => undefined,
    onTrip: async () => undefined,
  });
  await new Promise((r) => setTimeout(r, 200));
  const r = await stopProbers(root, (ms) => systemClock.sleep(ms), { workflowId: inp.workflowId, probes: [{ index: 0, id: 'up' }], timeoutMs: 5000 });
  const p = await running;
  expect(r.unconfirmed).toEqual([]);
  expect(r.series[0]).toMatchObject({ index: 0, total: p.seq, failed: 0, elided: 0, attempts: 1, gaps: [] });
  expect(r.series[0].samples).toHaveLength(p.seq);
  expect(p.seq).toBeGreaterThan(0);
});

test('negative control: a probe with no prober running is reported unconfirmed', async () => {
  const r = await stopProbers(root, (ms) => systemClock.sleep(ms), { workflowId: 'wf-none', probes: [{ index: 0, id: 'up' }], timeoutMs: 100 });
  expect(r.unconfirmed).toEqual(['up']);
  expect(r.series[0]).toMatchObject({ total: 0, samples: [] });
});

test('a series over the journal budget keeps the first, the last and both sides of each change', () => {
  const s = (i: number, ok: boolean): Sample => ({ ok, at: i, latencyMs: 1 });
  const all = [...Array(1000).keys()].map((i) => s(i, !(i >= 400 && i < 600)));
  expect(inlineSamples(all, 1 << 20)).toBe(all);
  expect(inlineSamples(all, 2000).map((x) => x.at)).toEqual([0, 399, 400, 599, 600, 999]);
  expect(freshProgress(3)).toMatchObject({ attempt: 3, seq: 0 });
});

test('stopProbers over the budget returns the totals and the changes, and says how many samples only the file holds', async () => {
  const clock = new FakeClock();
  const inp = input();
  const file = seriesFile(root, inp.workflowId, 0, 'up');
  const oks = [...Array(500).keys()].map((i) => !(i >= 200 && i < 300));
  await runProber(inp, options(clock, scripted(clock, file, oks)));
  const r = await stopProbers(root, async () => undefined, { workflowId: inp.workflowId, probes: [{ index: 0, id: 'up' }], timeoutMs: 0, maxInlineBytes: 2000 });
  const s = r.series[0];
  expect(s).toMatchObject({ total: 500, failed: 100, elided: 494 });
  expect(s.samples.map((x) => x.ok)).toEqual([true, true, false, false, true, true]);
});
