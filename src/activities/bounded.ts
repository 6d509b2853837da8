/**
 * Bounded fan-out: run one async call per item with at most `limit` in flight, and keep every
 * item's own result. Used wherever Faultline touches many containers at once (injects, restores,
 * residue scans, reverters, leases), so 200 targets cost about 200/limit round trips instead of
 * 200, without opening 200 sockets to the engine at once.
 */
import { ValidationError } from '../errors';

/** How many calls to the engine one fan-out keeps in flight unless the worker is told otherwise. */
export const DEFAULT_FAN_OUT = 8;
/** Far above what one Docker engine serves well; a higher value is a typo, not a tuning. */
export const MAX_FAN_OUT = 64;

/** Like Promise.allSettled over `items.map(fn)`, in input order, but with at most `limit` calls running. */
export async function mapSettled<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return out;
}

/** Like `mapSettled`, but throws the first failure (in input order) once every call has settled. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const settled = await mapSettled(items, limit, fn);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

/** The worker's fan-out limit from `FAULTLINE_FAN_OUT` (1 to 64), else the default. */
export function fanOutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FAULTLINE_FAN_OUT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_FAN_OUT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_FAN_OUT) {
    // Bad input from the operator: the CLI reports it with exit 64, and nothing starts.
    throw new ValidationError('FAULTLINE_FAN_OUT', [`expected a whole number from 1 to ${MAX_FAN_OUT}, got ${JSON.stringify(raw)}`]);
  }
  return n;
}
