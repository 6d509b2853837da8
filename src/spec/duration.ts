import { z } from 'zod';

/** Durations are written like `500ms`, `15s`, `2m`, `1h`, or as a number of milliseconds. */
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export const Duration = z.union([
  z.number().int().nonnegative(),
  z.string().regex(PATTERN, 'expected a duration like "500ms", "15s", "2m" or "1h"'),
]);
export type Duration = z.infer<typeof Duration>;

export function toMs(d: Duration): number {
  if (typeof d === 'number') return d;
  const m = PATTERN.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}
