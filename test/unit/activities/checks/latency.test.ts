/** The latency check's percentile and windows on hand-built histories, including the cases that must fail. */
import { judgeLatency, percentile } from '../../../../src/activities/checks/latency';
import type { Operation } from '../../../../src/activities/workloads/history';

const op = (id: string, invokedAt: number, latencyMs: number, outcome: Operation['outcome'] = 'ok'): Operation => ({
  id,
  invokedAt,
  doneAt: invokedAt + latencyMs,
  latencyMs,
  outcome,
});
// Fault from t=1000 to t=2000; 10 ops before (5 ms), 10 during (200 ms), 10 after (6 ms).
const ops = [
  ...Array.from({ length: 10 }, (_, i) => op(`b${i}`, i * 50, 5)),
  ...Array.from({ length: 10 }, (_, i) => op(`d${i}`, 1000 + i * 90, 200)),
  ...Array.from({ length: 10 }, (_, i) => op(`a${i}`, 2500 + i * 50, 6)),
];
const windows = { faults: [{ faultId: 'f', from: 1000, to: 2000 }], firstFaultAt: 990, lastRestoreAt: 2000 };
const check = { workload: 'w', percentile: 95, settle: 0 } as const;

test('nearest-rank percentile', () => {
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  expect(percentile([7], 99)).toBe(7);
});

test('during, before and after windows hold their bounds', () => {
  expect(judgeLatency(ops, windows, { ...check, window: 'during', gt: 150 })).toMatchObject({ passed: true, evidence: { valueMs: 200, operations: 10 } });
  expect(judgeLatency(ops, windows, { ...check, window: 'before', lt: 50 })).toMatchObject({ passed: true, evidence: { valueMs: 5 } });
  expect(judgeLatency(ops, windows, { ...check, window: 'after', lt: 50, settle: 400 })).toMatchObject({ passed: true, evidence: { valueMs: 6 } });
});

test('bounds that do not hold fail with the measured value', () => {
  const r = judgeLatency(ops, windows, { ...check, window: 'after', gt: 150 });
  expect(r.passed).toBe(false);
  expect(r.detail).toBe('p95 of w after the last restore: 6ms over 10 operations; expected > 150ms');
  expect(judgeLatency(ops, windows, { ...check, window: 'during', lt: 100 }).passed).toBe(false);
});

test('failed and unknown operations do not count; an empty window fails', () => {
  const slowFailures = [op('x', 2600, 5000, 'failed'), op('y', 2700, 9000, 'unknown')];
  expect(judgeLatency([...ops, ...slowFailures], windows, { ...check, window: 'after', lt: 50 })).toMatchObject({ passed: true, evidence: { operations: 10 } });
  expect(judgeLatency([], windows, { ...check, window: 'during', gt: 1 })).toMatchObject({ passed: false, detail: 'p95 of w during the faults: no successful operation in the window' });
});
