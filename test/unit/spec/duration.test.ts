import { Duration, formatDuration, formatMs, toMs } from '../../../src/spec';

test.each([
  ['500ms', 500],
  ['15s', 15_000],
  ['1.5s', 1500],
  ['2m', 120_000],
  ['1h', 3_600_000],
  [250, 250],
])('toMs(%p) = %p', (d, ms) => {
  expect(toMs(d)).toBe(ms);
});

test.each([
  [850, '850ms'],
  [2500, '2.5s'],
  [59_990, '60s'],
  [60_000, '1m'],
  [90_000, '1m30s'],
  [119_600, '2m'],
  [3_660_000, '1h1m'],
])('formatMs(%p) = %p', (ms, text) => {
  expect(formatMs(ms)).toBe(text);
});

test('formatDuration keeps what the author wrote and formats milliseconds', () => {
  expect(formatDuration('90s')).toBe('90s');
  expect(formatDuration(1500)).toBe('1.5s');
});

test.each(['10 seconds', '5', '1d', '-1s', 's', '1.s'])('%p is not a duration', (d) => {
  expect(Duration.safeParse(d).success).toBe(false);
});

test.each([-1, 1.5])('%p ms is not a duration', (d) => {
  expect(Duration.safeParse(d).success).toBe(false);
});
