import { z } from 'zod';

/** Durations are written like `500ms`, `15s`, `2m`, `1h`, or as a number of milliseconds. */
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration anything may have: a week. Longer ones parsed ("99999999h" did) and started
 * a run that then failed on a timer Temporal or Node could not set; a guardrail may cap faults lower.
 */
export const MAX_DURATION_MS = 7 * 24 * 3_600_000;
/** The shortest interval between two samples or polls: below it a probe loop is a busy loop. */
export const MIN_INTERVAL_MS = 50;

const within = (d: string | number): boolean => {
  const ms = typeof d === 'number' ? d : PATTERN.test(d) ? toMs(d) : 0;
  return ms <= MAX_DURATION_MS;
};

export const Duration = z
  .union([
    z.number().int('a duration in milliseconds is a whole number').nonnegative('a duration cannot be negative'),
    z.string().regex(PATTERN, 'expected a duration like "500ms", "15s", "2m" or "1h"'),
  ])
  .refine(within, { message: `a duration is at most ${MAX_DURATION_MS / 3_600_000}h (7 days)` });
export type Duration = z.infer<typeof Duration>;

const msOf = (d: string | number): number => (typeof d === 'number' ? d : PATTERN.test(d) ? toMs(d) : NaN);

/** A timeout: above zero (a zero timeout made every probe fail, or wait forever, depending on the kind). */
export const Timeout = Duration.refine((d) => !(msOf(d) <= 0), { message: 'a timeout must be above zero' });

/** A sampling or polling interval: at least MIN_INTERVAL_MS (a zero interval ran the run on and passed it). */
export const Interval = Duration.refine((d) => !(msOf(d) < MIN_INTERVAL_MS), { message: `an interval is at least ${MIN_INTERVAL_MS}ms` });

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
