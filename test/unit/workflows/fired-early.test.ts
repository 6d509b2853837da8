/**
 * When a dead-man switch that fired is a deviation: only when it fired before the fault's restore
 * was due (the fault was cut short). One that fired after (a late restore: the control plane was
 * down) did its job, and a result from an older worker, which does not say when, is not judged.
 */
import type { RestoreResult } from '../../../src/activities/types';
import { firedEarly } from '../../../src/workflows/saga';

const result = (...fired: Array<number | undefined>): RestoreResult => ({
  restoredAt: 50_000,
  outcomes: fired.map((at, i) => ({ container: `t-${i + 1}`, outcome: 'already-clean' as const, ...(at === undefined ? {} : { selfRevertedAt: at }) })),
});

test('a switch that fired before the restore was due is a deviation naming each such target', () => {
  const why = firedEarly('wf/method[0]', result(12_000, undefined, 19_999), 20_000);
  expect(why).toBe(
    'fault wf/method[0] did not last as asked: its dead-man switch reverted it before its restore was due at 1970-01-01T00:00:20.000Z ' +
      '(t-1 at 1970-01-01T00:00:12.000Z, t-3 at 1970-01-01T00:00:19.999Z); raise its ttl or the safety grace',
  );
});

test('negative control: fired at or after the due time, or not fired, or no time reported: no deviation', () => {
  expect(firedEarly('wf/method[0]', result(20_000, 31_000), 20_000)).toBeUndefined();
  expect(firedEarly('wf/method[0]', result(undefined, undefined), 20_000)).toBeUndefined();
  expect(firedEarly('wf/method[0]', { restoredAt: 1, outcomes: [] }, 20_000)).toBeUndefined();
});
