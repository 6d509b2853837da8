/**
 * Waiting on a run through a Temporal outage: an unreachable server is waited out (said once, and
 * again when it answers), a run that really closed is a failure at once, and giving up writes
 * nothing. The handle is a fake of the client's port; the errors are the client's own classes.
 */
import { ServiceError, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, RetryState } from '@temporalio/common';
import { awaitResult, defaultGiveUpMs, isOutage, leftToServer } from '../../../src/cli/await-result';

const unavailable = () => new ServiceError('Failed to get Workflow execution history', { cause: Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }) });
const notFound = () => new ServiceError('Failed to get Workflow execution history', { cause: Object.assign(new Error('5 NOT_FOUND'), { code: 5 }) });

function fakeTime() {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (slept.push(ms), (t += ms)), slept };
}

function collect() {
  const lines: string[] = [];
  return { out: { info: (m: string) => lines.push(m), result: (m: string) => lines.push(m) }, lines };
}

test('an outage is waited out with growing waits, said once, and the real result returned', async () => {
  let calls = 0;
  const handle = { result: async () => (++calls <= 4 ? Promise.reject(unavailable()) : { outcome: 'passed' }) };
  const time = fakeTime();
  const { out, lines } = collect();
  const r = await awaitResult(handle, out, { address: '127.0.0.1:7233', ...time, firstBackoffMs: 500, maxBackoffMs: 2000 });
  expect(r).toEqual({ kind: 'result', value: { outcome: 'passed' } });
  expect(time.slept).toEqual([500, 1000, 2000, 2000]);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^lost contact with Temporal at 127\.0\.0\.1:7233 \(Failed to get Workflow execution history\); the run goes on in the server, waiting up to 10m for it to answer$/);
  expect(lines[1]).toBe('Temporal at 127.0.0.1:7233 answered again after 5.5s');
});

test('giving up: a lost answer after the limit, never a failure', async () => {
  const handle = { result: async () => Promise.reject(unavailable()) };
  const time = fakeTime();
  const { out } = collect();
  const r = await awaitResult(handle, out, { giveUpMs: 30_000, ...time });
  expect(r.kind).toBe('lost');
  expect(r.kind === 'lost' && r.waitedMs).toBe(30_000);
  const said = collect();
  expect(leftToServer(said.out, 'run-1', 'http://ui/run-1', 30_000)).toBe(3);
  expect(said.lines[0]).toContain('leaving run run-1 to the server (nothing was written for it)');
  expect(said.lines[0]).toContain('faultline status run-1');
});

test('a run that closed, or a request the server refuses, is a failure at once', async () => {
  const closed = new WorkflowFailedError('Workflow execution failed', ApplicationFailure.nonRetryable('boom'), RetryState.NON_RETRYABLE_FAILURE);
  for (const err of [closed, notFound(), new Error('something else')]) {
    const time = fakeTime();
    const r = await awaitResult({ result: async () => Promise.reject(err) }, collect().out, time);
    expect(r).toEqual({ kind: 'failed', error: err });
    expect(time.slept).toEqual([]);
  }
  expect(isOutage(unavailable())).toBe(true);
  expect(isOutage(new ServiceError('Unexpected error while making gRPC request', { cause: new Error('socket hang up') }))).toBe(true);
  expect(isOutage(notFound())).toBe(false);
  expect(isOutage(closed)).toBe(false);
});

test('the limit comes from FAULTLINE_OUTAGE_WAIT_MS, else 10 minutes', () => {
  expect(defaultGiveUpMs({})).toBe(600_000);
  expect(defaultGiveUpMs({ FAULTLINE_OUTAGE_WAIT_MS: '5000' })).toBe(5000);
  expect(defaultGiveUpMs({ FAULTLINE_OUTAGE_WAIT_MS: 'soon' })).toBe(600_000);
});
