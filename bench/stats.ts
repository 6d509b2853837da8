/**
 * Summaries for benchmark samples. Medians and p90s rather than means: a single slow Docker call
 * (the daemon is shared and noisy) would drag a mean, and the ratio is what the report is about.
 */

export interface Summary {
  n: number;
  medianMs: number;
  p90Ms: number;
}

/** Nearest-rank percentile: always an observed value, so small samples are not interpolated into fiction. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of an empty sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(samples: readonly number[]): Summary {
  return { n: samples.length, medianMs: round(percentile(samples, 50)), p90Ms: round(percentile(samples, 90)) };
}

/** Rounded for printing only; ratios are computed from the rounded medians the reader sees. */
export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export interface PairReport {
  name: string;
  baseline: Summary;
  faultline: Summary;
  /** Faultline median / baseline median: 1.0 means the drivers add nothing over raw Docker calls. */
  ratio: number;
}

export function comparePair(name: string, baseline: readonly number[], faultline: readonly number[]): PairReport {
  const b = summarize(baseline);
  const f = summarize(faultline);
  return { name, baseline: b, faultline: f, ratio: round(f.medianMs / b.medianMs, 3) };
}

/** A fixed-width table, so runs can be compared by eye in CI logs. */
export function formatTable(rows: readonly PairReport[]): string {
  const header = ['pair', 'baseline p50', 'baseline p90', 'faultline p50', 'faultline p90', 'ratio p50'];
  const body = rows.map((r) => [
    r.name,
    ms(r.baseline.medianMs),
    ms(r.baseline.p90Ms),
    ms(r.faultline.medianMs),
    ms(r.faultline.p90Ms),
    `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;
