/**
 * Continuous-probe series files: one NDJSON file per continuous probe under
 * <run>/probes/<index>-<id>.ndjson, written by its prober (probes/prober.ts) with synchronous
 * appends, one line per sample, so a SIGKILLed worker loses at most a torn last line. A retry on
 * another worker appends to the same file, after a `gap` line saying how long nothing was sampled.
 * Stopping is a handshake through a stop file, as for workloads: the workflow's view of a cancelled
 * activity can settle before the last sample is written, and the journal must read a finished file.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Sample, SeriesGap, SeriesRead, StopProbersInput } from '../types';
import { artifactFolder, runDir } from './folder';

export type SeriesLine =
  | { type: 'start'; at: number; attempt: number; everyMs: number }
  | ({ type: 'sample'; seq: number; attempt: number } & Sample)
  | ({ type: 'gap' } & SeriesGap)
  | { type: 'stop'; at: number; attempt: number };

export function seriesFile(artifactsRoot: string, workflowId: string, index: number, id: string): string {
  return join(runDir(artifactsRoot, workflowId), 'probes', `${index}-${artifactFolder(id)}.ndjson`);
}

export class SeriesWriter {
  private fd: number;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    // An attempt killed mid-write may have left a torn line; ours starts on a fresh one.
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    this.fd = openSync(file, 'a');
    if (before.length > 0 && !before.endsWith('\n')) writeSync(this.fd, '\n');
  }

  write(line: SeriesLine): void {
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface ParsedSeries {
  samples: Array<Sample & { seq: number }>;
  gaps: SeriesGap[];
  attempts: number;
  /** `at` of the last stop line, if any. */
  stoppedAt?: number;
}

export function parseSeries(text: string): ParsedSeries {
  const out: ParsedSeries = { samples: [], gaps: [], attempts: 0 };
  for (const raw of text.split('\n')) {
    const line = parseLine(raw);
    if (!line) continue;
    if (line.type === 'start') out.attempts++;
    else if (line.type === 'stop') out.stoppedAt = line.at;
    else if (line.type === 'gap') out.gaps.push({ from: line.from, to: line.to, missed: line.missed, attempt: line.attempt });
    else {
      const { type: _type, attempt: _attempt, ...sample } = line;
      out.samples.push(sample);
    }
  }
  // Attempts append in turn; a worker that was cut off but not dead may have overlapped the retry.
  out.samples.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return out;
}

function parseLine(raw: string): SeriesLine | undefined {
  if (!raw.trim()) return undefined;
  try {
    const l = JSON.parse(raw) as SeriesLine;
    return typeof l === 'object' && l !== null && typeof l.type === 'string' ? l : undefined;
  } catch {
    return undefined;
  }
}

export function readSeries(file: string): ParsedSeries {
  return parseSeries(existsSync(file) ? readFileSync(file, 'utf8') : '');
}

export const seriesStopFile = (file: string): string => `${file}.stop`;

export function seriesStopRequested(file: string): boolean {
  return existsSync(seriesStopFile(file));
}

/** 512 KiB of samples in the journal (the workflow result, under Temporal's 2 MB payload limit with the rest of it) across all series; the files hold the rest. */
export const DEFAULT_INLINE_BYTES = 512 * 1024;

/**
 * The samples a journal carries for one series: all of them when they fit the budget; otherwise the
 * first, the last and both sides of every change between passing and failing (what a reader of the
 * series looks for), cut to the budget from the start when even that is too much.
 */
export function inlineSamples(all: Sample[], budgetBytes: number): Sample[] {
  const size = (s: Sample) => JSON.stringify(s).length + 1;
  const total = all.reduce((n, s) => n + size(s), 0);
  if (total <= budgetBytes) return all;
  const keep = all.filter((s, i) => i === 0 || i === all.length - 1 || s.ok !== all[i - 1].ok || (i + 1 < all.length && s.ok !== all[i + 1].ok));
  const out: Sample[] = [];
  let used = 0;
  for (const s of keep) {
    used += size(s);
    if (used > budgetBytes) break;
    out.push(s);
  }
  return out;
}

function toRead(index: number, file: string, parsed: ParsedSeries, budgetBytes: number): SeriesRead {
  const samples = parsed.samples.map(({ seq: _seq, ...s }) => s);
  const kept = inlineSamples(samples, budgetBytes);
  return {
    index,
    file,
    total: samples.length,
    failed: samples.filter((s) => !s.ok).length,
    samples: kept,
    elided: samples.length - kept.length,
    gaps: parsed.gaps,
    attempts: parsed.attempts,
  };
}

/**
 * Asks each prober of a run to stop, waits until its file ends with a stop line written after the
 * request (or `timeoutMs` passes), then reads every series back for the journal.
 */
export async function stopProbers(
  artifactsRoot: string,
  sleep: (ms: number) => Promise<void>,
  input: StopProbersInput,
): Promise<{ series: SeriesRead[]; unconfirmed: string[] }> {
  const files = input.probes.map((p) => ({ ...p, file: seriesFile(artifactsRoot, input.workflowId, p.index, p.id) }));
  const askedAt = Date.now();
  for (const f of files) {
    mkdirSync(dirname(f.file), { recursive: true });
    writeFileSync(seriesStopFile(f.file), `${askedAt}\n`);
  }
  const deadline = askedAt + input.timeoutMs;
  const stopped = (file: string) => {
    const at = readSeries(file).stoppedAt;
    return at !== undefined && at >= askedAt;
  };
  let waiting = files.filter((f) => !stopped(f.file));
  while (waiting.length > 0 && Date.now() < deadline) {
    await sleep(50);
    waiting = waiting.filter((f) => !stopped(f.file));
  }
  const budget = Math.floor((input.maxInlineBytes ?? DEFAULT_INLINE_BYTES) / Math.max(1, files.length));
  return {
    series: files.map((f) => toRead(f.index, f.file, readSeries(f.file), budget)),
    unconfirmed: waiting.map((f) => f.id),
  };
}
