/**
 * The bounded fan-out: results in input order, never more than `limit` calls in flight (and the
 * limit actually reached, so a serial map would fail too), every item attempted despite failures.
 */
import { DEFAULT_FAN_OUT, fanOutFromEnv, mapBounded, mapSettled } from '../../../src/activities/bounded';
import { ValidationError } from '../../../src/errors';

/** A call that waits for the test to let it go, counting how many are in flight. */
function gated() {
  let inFlight = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const fn = async (n: number): Promise<number> => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight--;
    if (n % 7 === 3) throw new Error(`item ${n} failed`);
    return n * 10;
  };
  /** Releases calls one at a time, in a scrambled order, until all are done. */
  const drain = async (done: Promise<unknown>): Promise<void> => {
    let finished = false;
    void done.finally(() => (finished = true)).catch(() => undefined);
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      const i = waiting.length > 2 ? 2 : 0;
      waiting.splice(i, 1)[0]?.();
    }
  };
  return { fn, drain, peak: () => peak };
}

test('mapSettled keeps input order, holds at most `limit` in flight and reaches it, and attempts every item', async () => {
  const g = gated();
  const items = Array.from({ length: 50 }, (_, i) => i);
  const p = mapSettled(items, 8, g.fn);
  await g.drain(p);
  const out = await p;
  expect(g.peak()).toBe(8);
  expect(out).toHaveLength(50);
  out.forEach((s, i) => {
    if (i % 7 === 3) expect(s).toEqual({ status: 'rejected', reason: new Error(`item ${i} failed`) });
    else expect(s).toEqual({ status: 'fulfilled', value: i * 10 });
  });
});

test('a limit above the item count runs them all at once; a limit below 1 runs one at a time', async () => {
  const wide = gated();
  const p1 = mapSettled([0, 1, 2], 8, wide.fn);
  await wide.drain(p1);
  expect(wide.peak()).toBe(3);
  const narrow = gated();
  const p2 = mapSettled([0, 1, 2], 0, narrow.fn);
  await narrow.drain(p2);
  expect(narrow.peak()).toBe(1);
  expect(await mapSettled([], 8, async () => 1)).toEqual([]);
});

test('mapBounded throws the first failure in input order, only after every item has run', async () => {
  const ran: number[] = [];
  const fn = async (n: number) => {
    ran.push(n);
    if (n === 2 || n === 4) throw new Error(`boom ${n}`);
    return n;
  };
  await expect(mapBounded([0, 1, 2, 3, 4, 5], 2, fn)).rejects.toThrow('boom 2');
  expect(ran.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  expect(await mapBounded([3, 1, 2], 2, async (n) => n * 2)).toEqual([6, 2, 4]);
});

test('FAULTLINE_FAN_OUT: default 8, a whole number from 1 to 64, anything else a clear error', () => {
  expect(fanOutFromEnv({})).toBe(DEFAULT_FAN_OUT);
  expect(DEFAULT_FAN_OUT).toBe(8);
  expect(fanOutFromEnv({ FAULTLINE_FAN_OUT: ' ' })).toBe(8);
  expect(fanOutFromEnv({ FAULTLINE_FAN_OUT: '1' })).toBe(1);
  expect(fanOutFromEnv({ FAULTLINE_FAN_OUT: '64' })).toBe(64);
  for (const bad of ['0', '65', '2.5', 'eight', '-3']) {
    expect(() => fanOutFromEnv({ FAULTLINE_FAN_OUT: bad })).toThrow(ValidationError);
    expect(() => fanOutFromEnv({ FAULTLINE_FAN_OUT: bad })).toThrow(`FAULTLINE_FAN_OUT: 1 problem(s)\n  - expected a whole number from 1 to 64, got "${bad}"`);
  }
});
