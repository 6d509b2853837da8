/** The sleep activity's catch-up: scheduling time is taken off a short wait, but never more than MAX_CATCH_UP_MS. */
import { MAX_CATCH_UP_MS, sleepFor, sleepMs } from '../../../src/activities/sleep';
import { FakeClock } from '../fakes/clock';

test('without an end time the wait is what was asked', () => {
  expect(sleepMs({ ms: 300 }, 1000)).toBe(300);
  expect(sleepMs({ ms: -5 }, 1000)).toBe(0);
});

test('the time it took to start is taken off, so the wait ends when the workflow asked', () => {
  expect(sleepMs({ ms: 300, until: 1300 }, 1040)).toBe(260);
  // A worker clock behind the workflow's never makes the wait longer than asked.
  expect(sleepMs({ ms: 300, until: 1300 }, 900)).toBe(300);
});

test('negative control: a worker clock far ahead cannot cut the wait by more than the catch-up bound', () => {
  expect(sleepMs({ ms: 1000, until: 2000 }, 5000)).toBe(1000 - MAX_CATCH_UP_MS);
  expect(sleepMs({ ms: 100, until: 1100 }, 5000)).toBe(0);
});

test('sleepFor sleeps on the clock it is given', async () => {
  const clock = new FakeClock(1000);
  await sleepFor(clock, { ms: 300, until: 1250 });
  expect(clock.sleeps).toEqual([250]);
});
