/**
 * The workload runner with a fake session (the port a driver implements) and a real history file:
 * every operation is written as `invoke` before the session sees it, outcomes follow, an operation
 * that outlives its timeout is `unknown`, a thrown error is `unknown`, and the stop file ends the run
 * with a stop marker after the last outcome.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../../src/activities/ports';
import type { OpResult, WorkloadSession } from '../../../../src/activities/workloads/driver';
import { historyFile, readHistory, requestStop } from '../../../../src/activities/workloads/history';
import { runWorkload } from '../../../../src/activities/workloads/run';
import { WorkloadSpec } from '../../../../src/spec/workloads';

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'fl3-runner-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('invoke lines precede the session call; timeouts and throws are unknown; the stop file ends the run', async () => {
  const workload = WorkloadSpec.parse({ id: 'w', kind: 'http-load', rate: '100/s', port: 8080, timeout: '200ms' });
  const file = historyFile(root, 'wf-1', 'w');
  const seenInvokedFirst: boolean[] = [];
  let n = 0;
  const session: WorkloadSession = {
    async op(id): Promise<OpResult> {
      seenInvokedFirst.push(readFileSync(file, 'utf8').includes(`"type":"invoke","id":"${id}"`));
      n++;
      if (n === 2) return new Promise<OpResult>(() => undefined); // never answers
      if (n === 3) throw new Error('socket hang up');
      return n % 2 ? { outcome: 'ok', status: 200 } : { outcome: 'failed', status: 503 };
    },
    async close() {},
  };
  const run = runWorkload({ workflowId: 'wf-1', workload }, { artifactsRoot: root, clock: systemClock, attempt: 3, signal: new AbortController().signal, open: async () => session });
  await new Promise((r) => setTimeout(r, 300));
  expect(await requestStop(file, 5000, (ms) => systemClock.sleep(ms))).toBe(true);
  const sum = await run;

  expect(seenInvokedFirst.length).toBeGreaterThan(5);
  expect(seenInvokedFirst.every(Boolean)).toBe(true);
  const h = readHistory(file, 'w');
  expect(h.stoppedAt).toBeDefined();
  const byId = new Map(h.operations.map((o) => [o.id, o]));
  expect(byId.get('w-3-000002')).toMatchObject({ outcome: 'unknown', error: 'no outcome within 200ms' });
  expect(byId.get('w-3-000003')).toMatchObject({ outcome: 'unknown', error: 'socket hang up' });
  expect(byId.get('w-3-000001')).toMatchObject({ outcome: 'ok', status: 200 });
  // Every operation got exactly one outcome before the stop marker.
  expect(h.operations.every((o) => o.doneAt !== undefined && o.doneAt <= (h.stoppedAt ?? 0))).toBe(true);
  expect(sum.invoked).toBe(h.operations.length);
  expect(sum.ok + sum.failed + sum.unknown).toBe(sum.invoked);
});
