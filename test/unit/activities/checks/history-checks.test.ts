/**
 * The history checkers over hand-written histories: no-loss (lost, duplicated, unknown never lost),
 * fail-closed (allowed requests inside a fault window are named), success-rate windows, and the
 * history reader's handling of a worker killed mid-write.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeFailClosed } from '../../../../src/activities/checks/fail-closed';
import { judgeNoLoss } from '../../../../src/activities/checks/no-loss';
import { judgeSuccessRate } from '../../../../src/activities/checks/success-rate';
import { HistoryWriter, type Operation, parseHistory, readHistory } from '../../../../src/activities/workloads/history';

const line = (o: object) => JSON.stringify(o);
const op = (id: string, invokedAt: number, outcome: Operation['outcome'], extra: Partial<Operation> = {}): Operation => ({
  id,
  invokedAt,
  outcome,
  doneAt: outcome === 'unknown' ? undefined : invokedAt + 5,
  ...extra,
});

describe('history files', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'fl3-history-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('an invoke with no outcome is unknown, and a torn last line from a killed writer is skipped', () => {
    const text = [
      line({ type: 'start', at: 1, attempt: 1 }),
      line({ type: 'invoke', id: 'w-1', at: 10 }),
      line({ type: 'ok', id: 'w-1', at: 12, latencyMs: 2 }),
      line({ type: 'invoke', id: 'w-2', at: 20 }),
      '{"type":"ok","id":"w-2","at":2',
    ].join('\n');
    const h = parseHistory('w', text);
    expect(h.operations.map((o) => [o.id, o.outcome])).toEqual([
      ['w-1', 'ok'],
      ['w-2', 'unknown'],
    ]);
    expect(h.attempts).toBe(1);
  });

  test('a retried attempt appends to the same file on a fresh line and both attempts are read', () => {
    const file = join(dir, 'retry.jsonl');
    writeFileSync(file, line({ type: 'start', at: 1, attempt: 1 }) + '\n' + line({ type: 'invoke', id: 'w-1-1', at: 2 }) + '\n{"type":"o');
    const w = new HistoryWriter(file);
    w.write({ type: 'start', at: 3, attempt: 2 });
    w.write({ type: 'invoke', id: 'w-2-1', at: 4 });
    w.write({ type: 'ok', id: 'w-2-1', at: 5, latencyMs: 1 });
    w.write({ type: 'stop', at: 6 });
    w.close();
    const h = readHistory(file, 'w');
    expect(h.attempts).toBe(2);
    expect(h.stoppedAt).toBe(6);
    expect(h.operations.map((o) => `${o.id}:${o.outcome}`)).toEqual(['w-1-1:unknown', 'w-2-1:ok']);
    expect(readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"start"'))).toHaveLength(2);
  });
});

describe('no-loss', () => {
  const delivered = (...ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

  test('passes when every acknowledged id is delivered once; unknown ids are reported, not lost', () => {
    const v = judgeNoLoss([op('a', 1, 'ok'), op('b', 2, 'ok'), op('c', 3, 'unknown'), op('d', 4, 'unknown')], delivered('a', 'b', 'c'), 'orders', 'stream EVENTS');
    expect(v.passed).toBe(true);
    expect(v.evidence).toMatchObject({ lostCount: 0, unknownCount: 2, unknownDelivered: 1, unknown: ['c', 'd'] });
    expect(v.detail).toContain('unknown 2 (1 of them delivered)');
  });

  test('names lost and duplicated ids', () => {
    const v = judgeNoLoss([op('a', 1, 'ok'), op('b', 2, 'ok'), op('c', 3, 'ok')], delivered('a', 'a', 'c'), 'orders', 'stream EVENTS');
    expect(v.passed).toBe(false);
    expect(v.evidence).toMatchObject({ lost: ['b'], duplicated: ['a'] });
    expect(v.detail).toContain('lost 1 (b); duplicated 1 (a)');
  });

  test('a producer that never got an acknowledgement cannot pass', () => {
    const v = judgeNoLoss([op('a', 1, 'failed')], delivered(), 'orders', 'stream EVENTS');
    expect(v.passed).toBe(false);
    expect(v.detail).toContain('no acknowledged operation');
  });
});

describe('fail-closed', () => {
  const windows = { faults: [{ faultId: 'f', from: 100, to: 200 }] };

  test('denials and errors inside the window pass; allows outside it do not count', () => {
    const ops = [op('r1', 50, 'ok', { decision: 'allow' }), op('r2', 120, 'failed', { decision: 'deny', status: 403 }), op('r3', 150, 'unknown'), op('r4', 250, 'ok', { decision: 'allow' })];
    const v = judgeFailClosed(ops, windows, ['allow'], 'api');
    expect(v.passed).toBe(true);
    expect(v.evidence).toMatchObject({ duringFaults: 2, allowedCount: 0, refused: 2, refusedBy: ['deny: 1', 'unknown: 1'] });
  });

  test('an allow inside the window fails and is named; without a decision a 2xx is an allow', () => {
    const ops = [op('r1', 110, 'ok', { decision: 'allow' }), op('r2', 130, 'ok', { status: 200 }), op('r3', 150, 'failed', { decision: 'deny' })];
    const v = judgeFailClosed(ops, windows, ['allow'], 'api');
    expect(v.passed).toBe(false);
    expect(v.detail).toMatch(/2 of 3 requests inside a fault window were allowed: 2 \(r1@.*=allow, r2@.* status 200\)/);
  });

  test('no request inside any window cannot pass', () => {
    expect(judgeFailClosed([op('r1', 10, 'ok')], windows, ['allow'], 'api').passed).toBe(false);
    expect(judgeFailClosed([op('r1', 10, 'ok')], { faults: [] }, ['allow'], 'api').passed).toBe(false);
  });
});

describe('success-rate', () => {
  const w = { faults: [{ faultId: 'f', from: 100, to: 200 }], firstFaultAt: 100, lastRestoreAt: 200 };
  const ops = [op('a', 10, 'ok'), op('b', 20, 'failed'), op('c', 99, 'ok'), op('d', 150, 'failed'), op('e', 205, 'failed'), op('f', 300, 'ok'), op('g', 310, 'ok')];

  test('before counts operations finished before the first inject was requested', () => {
    const v = judgeSuccessRate(ops, w, { workload: 'api', min: 0.5, window: 'before', settle: '0s' });
    expect(v.evidence).toMatchObject({ operations: 2, failureCount: 1 });
    expect(v.passed).toBe(true);
    expect(judgeSuccessRate(ops, w, { workload: 'api', min: 0.99, window: 'before', settle: '0s' }).detail).toContain('failures 1 (b)');
  });

  test('after starts `settle` after the last restore', () => {
    expect(judgeSuccessRate(ops, w, { workload: 'api', min: 0.99, window: 'after', settle: 0 }).passed).toBe(false);
    const settled = judgeSuccessRate(ops, w, { workload: 'api', min: 0.99, window: 'after', settle: 50 });
    expect(settled.passed).toBe(true);
    expect(settled.evidence).toMatchObject({ operations: 2 });
  });

  test('an empty window cannot pass', () => {
    expect(judgeSuccessRate([], w, { workload: 'api', min: 0, window: 'all', settle: 0 }).passed).toBe(false);
  });
});
