import { z } from 'zod';

/** Durations are written like `500ms`, `15s`, `2m`, `1h`, or as a number of milliseconds. */
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export const Duration = z.union([
  z.number().int('a duration in milliseconds is a whole number').nonnegative('a duration cannot be negative'),
  z.string().regex(PATTERN, 'expected a duration like "500ms", "15s", "2m" or "1h"'),
]);
export type Duration = z.infer<typeof Duration>;

export function toMs(d: Duration): number {
  if (typeof d === 'number') return d;
  const m = PATTERN.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

/** `850ms`, `2.5s`, `1m30s`, `1h5m`: whole seconds from a minute up, zero parts left out. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(total / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'm'],
    [total % 60, 's'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}

/** A duration as the author wrote it, or formatted when it was given in milliseconds. */
export function formatDuration(d: Duration): string {
  return typeof d === 'number' ? formatMs(d) : d;
}
