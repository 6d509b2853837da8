/**
 * A workload's rate must be above zero: "0/s" used to run about 855 operations a second, because the
 * runner's infinite interval became Node's 1 ms timer. Refused at validation with its path, and the
 * runner refuses it too for input that skipped the schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/activities/ports';
import { runWorkload } from '../../../src/activities/workloads/run';
import { ratePerSecond } from '../../../src/spec/rate';
import { type WorkloadSpec } from '../../../src/spec/workloads';
import { problemsOf } from './helpers/problems';

const ZERO = 'workloads[0].rate: rate must be above zero, like "1/s" or "1/m"';

test.each([
  ['http-load', { port: 8080 }],
  ['pg-outbox-writer', {}],
  ['nats-publish', { subject: 's' }],
  ['nats-subscribe', { subject: 's' }],
  ['nats-consume', { subject: 's', stream: 'S', durable: 'd' }],
])('%s: a zero rate is refused with its path', (kind, fields) => {
  for (const rate of ['0/s', '0/m', '0.0/s', '000/m']) {
    expect(problemsOf({ workloads: [{ id: 'w', kind, rate, ...fields }] })).toEqual([ZERO]);
  }
  expect(problemsOf({ workloads: [{ id: 'w', kind, rate: '0.5/m', ...fields }] })).toEqual([]);
});

test('a malformed rate keeps its own message, not the zero one', () => {
  expect(problemsOf({ workloads: [{ id: 'w', kind: 'http-load', rate: '-1/s', port: 80 }] })).toEqual([
    'workloads[0].rate: expected a rate like "50/s" or "120/m"',
  ]);
});

test('ratePerSecond reads both units', () => {
  expect(ratePerSecond('120/m')).toBe(2);
  expect(ratePerSecond('2.5/s')).toBe(2.5);
});

test('the runner refuses a zero rate that skipped the schema, before any operation', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fl-rate-'));
  let opened = 0;
  const workload = { id: 'w', kind: 'http-load', rate: '0/s', port: 8080, timeout: '1s', concurrency: 1, path: '/', method: 'GET' } as WorkloadSpec;
  try {
    const run = runWorkload(
      { workflowId: 'wf', workload },
      {
        artifactsRoot: root,
        clock: systemClock,
        attempt: 1,
        signal: AbortSignal.timeout(2000),
        open: async () => {
          opened++;
          return { op: async () => ({ outcome: 'ok' }), close: async () => undefined };
        },
      },
    );
    await expect(run).rejects.toMatchObject({ code: 'InvalidWorkload', message: 'workload w: rate "0/s" must be above zero' });
    expect(opened).toBe(0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
