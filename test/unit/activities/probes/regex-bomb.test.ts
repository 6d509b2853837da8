/**
 * `expect.regex` on a large probe value must not block the event loop: with a backtracking engine,
 * `^(a+)+$` on 28 characters blocked 1.3 s and doubled per character, starving the heartbeats of
 * every activity on the worker. Each bomb below runs on 1 MiB; between evaluations an interval
 * timer (the heartbeat's stand-in) must get its turn. With the old engine the first one never returns.
 */
import { evaluateExpectation } from '../../../../src/activities/probes/expect';
import { Expectation } from '../../../../src/spec/expect';

const MiB = 1 << 20;
const ev = (regex: string, value: unknown) => evaluateExpectation(Expectation.parse({ regex }), value, { label: 'body' });

/** Counts interval ticks and lets the test wait for the next one. */
function ticker(ms: number) {
  let n = 0;
  let waiters: (() => void)[] = [];
  const timer = setInterval(() => {
    n++;
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  }, ms);
  return {
    get n() {
      return n;
    },
    next: () => new Promise<void>((r) => waiters.push(r)),
    stop: () => clearInterval(timer),
  };
}

const BOMBS: [string, string][] = [
  ['^(a+)+$', 'a'.repeat(MiB) + '!'],
  ['^(a|aa)*$', 'a'.repeat(MiB) + '!'],
  ['^(\\w+\\s?)*$', 'word '.repeat(MiB / 5) + '!'],
  ['(.*a){20}$', 'a'.repeat(MiB) + 'b'],
  ['^(([a-z])+.)+[A-Z]([a-z])+$', 'a'.repeat(MiB)],
];

test('catastrophic patterns on 1 MiB answer without stalling the event loop', async () => {
  const heartbeat = ticker(5);
  try {
    for (const [pattern, text] of BOMBS) {
      const before = heartbeat.n;
      expect(ev(pattern, text)).toMatch(/^expected body to match \/.*\/, got "/);
      await heartbeat.next();
      expect(heartbeat.n).toBeGreaterThan(before);
    }
  } finally {
    heartbeat.stop();
  }
}, 30_000);

test('ordinary patterns behave as before: a match anywhere, on the JSON text of non-strings', () => {
  expect(ev('^ok', 'ok: fine')).toBeUndefined();
  expect(ev('"server_id"', { server_id: 'x' })).toBeUndefined();
  expect(ev('^\\d+ms$', '250ms')).toBeUndefined();
  expect(ev('^ok$', 'nope')).toBe('expected body to match /^ok$/, got "nope"');
  expect(ev('(?i)^OK', 'ok')).toBeUndefined();
});
