/**
 * A workload's rate, "50/s" or "120/m". It must be above zero: a zero rate made the runner's
 * interval infinite, which Node's timers treat as 1 ms, so "0/s" ran about 855 operations a second.
 */
import { z } from 'zod';

const RATE = /^(\d+(?:\.\d+)?)\/(s|m)$/;

/** Operations per second. */
export function ratePerSecond(rate: string): number {
  const m = RATE.exec(rate);
  if (!m) throw new Error(`not a rate: ${rate}`);
  return Number(m[1]) / (m[2] === 'm' ? 60 : 1);
}

export const Rate = z
  .string()
  .regex(RATE, 'expected a rate like "50/s" or "120/m"')
  .refine((r) => !RATE.test(r) || ratePerSecond(r) > 0, { message: 'rate must be above zero, like "1/s" or "1/m"' });
