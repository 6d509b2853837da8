/**
 * The run recorder's outcome rules (run-events.ts), one case per rule, each of which fails if its
 * rule is dropped; and the journal it keeps: reasons in the order a reader expects, the outcome
 * fixed at close, events applied to the right fault, series and workload.
 */
import type { CheckRecord, FaultEntry, Phase } from '../../../src/report/journal';
import { RunRecorder } from '../../../src/workflows/recorder';
import { type RunEvent, outcomeOf, worstOutcome } from '../../../src/workflows/run-events';

const boom = new Error('boom');
const check = (id: string, passed: boolean): CheckRecord => ({ kind: 'time-to-green', id, passed, detail: passed ? 'green' : 'not green' });
const E = {
  residue: { kind: 'residue-scanned', residue: ['f1: iptables rule left'] },
  cleanScan: { kind: 'residue-scanned', residue: [] },
  restoreFailed: { kind: 'restore-failed', faultId: 'f1', error: boom },
  restoreDone: { kind: 'restore-done', faultId: 'f1', result: { restoredAt: 5, outcomes: [{ container: 'a', outcome: 'restored' }] } },
  rollbackFailed: { kind: 'rollback-failed', action: 'container-start', error: boom },
  teardownFailed: { kind: 'teardown-failed', error: boom },
  error: { kind: 'error', error: boom },
  checksNotRun: { kind: 'checks-not-run', error: boom },
  aborted: { kind: 'aborted' },
  deviation: { kind: 'deviation', reasons: ['steady state deviated before the method: up: down'] },
  noDeviation: { kind: 'deviation', reasons: [] },
  checkFailed: { kind: 'checks-evaluated', checks: [check('ok', true), check('recovers', false)] },
  checksPassed: { kind: 'checks-evaluated', checks: [check('ok', true)] },
  stop: { kind: 'stop-condition', hit: { probe: 'up', boundMs: 6000, at: 1000, lastGreenAt: 500, detail: 'stop condition: probe up failed 2 sample(s) in a row' } },
  problem: { kind: 'problem', what: 'container logs could not be collected', error: boom },
} satisfies Record<string, RunEvent>;

describe('outcomeOf', () => {
  test('a run with nothing wrong passed', () => {
    expect(outcomeOf([E.cleanScan, E.checksPassed, E.noDeviation, E.restoreDone])).toBe('passed');
  });

  test('residue outranks everything', () => {
    expect(outcomeOf([E.error, E.aborted, E.checkFailed, E.residue])).toBe('dirty');
  });

  test('a failed restore makes the run dirty, even when a later attempt restored the fault', () => {
    expect(outcomeOf([E.restoreFailed, E.restoreDone, E.cleanScan, E.error])).toBe('dirty');
  });

  test('a failed rollback makes the run dirty', () => {
    expect(outcomeOf([E.rollbackFailed, E.error])).toBe('dirty');
  });

  test('a stack that did not come down makes the run dirty', () => {
    expect(outcomeOf([E.teardownFailed, E.error])).toBe('dirty');
  });

  test('error outranks aborted', () => {
    expect(outcomeOf([E.aborted, E.error])).toBe('error');
  });

  test('checks that could not run are an error', () => {
    expect(outcomeOf([E.checksNotRun, E.aborted])).toBe('error');
  });

  test('aborted outranks failed', () => {
    expect(outcomeOf([E.deviation, E.aborted, E.checkFailed])).toBe('aborted');
  });

  test('a deviation fails the run; an empty one does not', () => {
    expect(outcomeOf([E.deviation])).toBe('failed');
    expect(outcomeOf([E.noDeviation])).toBe('passed');
  });

  test('one failed check fails the run', () => {
    expect(outcomeOf([E.checkFailed])).toBe('failed');
  });

  test('a clean residue scan is not residue', () => {
    expect(outcomeOf([E.cleanScan])).toBe('passed');
  });

  test('a stop condition alone is not an abort: the cancellation it causes is', () => {
    expect(outcomeOf([E.stop])).toBe('passed');
    expect(outcomeOf([E.stop, E.aborted])).toBe('aborted');
  });

  test('problems a reader must see do not change the outcome', () => {
    expect(outcomeOf([E.problem])).toBe('passed');
  });

  test('the order of events does not matter', () => {
    const events: RunEvent[] = [E.residue, E.deviation, E.error, E.aborted];
    expect(outcomeOf([...events].reverse())).toBe(outcomeOf(events));
  });

  test('worstOutcome ranks dirty > error > aborted > failed > passed', () => {
    expect(worstOutcome([])).toBe('passed');
    expect(worstOutcome(['failed', 'passed'])).toBe('failed');
    expect(worstOutcome(['failed', 'aborted'])).toBe('aborted');
    expect(worstOutcome(['aborted', 'error', 'failed'])).toBe('error');
    expect(worstOutcome(['error', 'dirty', 'passed'])).toBe('dirty');
  });
});

describe('RunRecorder', () => {
  const head = { workflowId: 'wf-1', runId: 'r-1', experiment: 'x', hypothesis: 'h', startedAt: 1 };
  const fault = (faultId: string): FaultEntry => ({
    faultId,
    stepPath: 'method[0]',
    kind: 'container-kill',
    description: 'kill a',
    targets: ['a'],
    candidates: ['a'],
    requestedAt: 10,
    restore: 'pending',
  });

  test('the journal opens in phase validating; a phase change is published once', () => {
    const published: Phase[] = [];
    const rec = new RunRecorder(head, (p) => published.push(p));
    rec.record({ kind: 'phase', phase: 'validating' });
    rec.record({ kind: 'phase', phase: 'method' });
    rec.record({ kind: 'phase', phase: 'method' });
    expect(rec.journal.phases.map((p) => p.phase)).toEqual(['validating', 'method']);
    expect(published).toEqual(['method']);
    expect(rec.entered('method')).toBe(true);
    expect(rec.entered('checks')).toBe(false);
  });

  test('the outcome is fixed at close: a journal-write problem after it changes nothing', () => {
    const rec = new RunRecorder(head);
    rec.record(E.checkFailed);
    expect(rec.journal.outcome).toBe('passed');
    rec.close();
    rec.record({ kind: 'problem', what: 'journal could not be written', error: boom });
    expect(rec.journal.outcome).toBe('failed');
    expect(rec.journal.finishedAt).toBeDefined();
    expect(rec.journal.reasons).toEqual(['check recovers failed: not green', 'journal could not be written: boom']);
  });

  test('restore failures are listed after the restores, behind a missed stop-condition bound', () => {
    const rec = new RunRecorder(head);
    rec.record({ kind: 'fault-requested', fault: fault('f1') });
    rec.record(E.stop);
    rec.record({ kind: 'abort-requested', reason: 'game day over' });
    rec.record(E.restoreFailed);
    rec.record(E.aborted);
    expect(rec.journal.reasons).toEqual(['aborted: stop condition: probe up failed 2 sample(s) in a row']);
    rec.record({ kind: 'restores-finished', lastRestoreAt: 9000 });
    expect(rec.journal.reasons).toEqual([
      'aborted: stop condition: probe up failed 2 sample(s) in a row',
      'stop condition: restores finished 8500 ms after up went red, over the 6000 ms bound',
      'restore of f1 failed: boom',
    ]);
    expect(rec.journal.stopCondition).toMatchObject({ restoredAt: 9000, withinBound: false });
    expect(rec.journal.faults[0]).toMatchObject({ restore: 'failed', error: 'boom' });
    expect(rec.restoreFailed).toBe(true);
    expect(rec.outcome).toBe('dirty');
  });

  test('an abort without a reason reads as a cancelled workflow', () => {
    const rec = new RunRecorder(head);
    rec.record(E.aborted);
    expect(rec.journal.reasons).toEqual(['aborted: workflow cancelled']);
  });

  test('a restore classifies what it did, and the request time is the first one', () => {
    const rec = new RunRecorder(head);
    rec.record({ kind: 'fault-requested', fault: fault('f1') });
    rec.record({ kind: 'restore-requested', faultId: 'f1' });
    const first = rec.journal.faults[0].restoreRequestedAt;
    rec.record({ kind: 'restore-requested', faultId: 'f1' });
    rec.record({ kind: 'restore-done', faultId: 'f1', result: { restoredAt: 7, outcomes: [{ container: 'a', outcome: 'gone' }] } });
    expect(rec.journal.faults[0]).toMatchObject({ restore: 'gone', restoredAt: 7, restoreDetails: ['a: gone'], restoreRequestedAt: first });
  });

  test('residue is listed in the journal and as one reason', () => {
    const rec = new RunRecorder(head);
    rec.record({ kind: 'residue-scanned', residue: ['f1: rule left', 'helper left'] });
    expect(rec.journal.residue).toEqual(['f1: rule left', 'helper left']);
    expect(rec.journal.reasons).toEqual(['residue left behind: f1: rule left; helper left']);
  });

  test('continuous series keep their samples apart even when two share an id', () => {
    const rec = new RunRecorder(head);
    const sample = (ok: boolean) => ({ ok, at: 1, latencyMs: 1 });
    rec.record({ kind: 'series-started', index: 0, id: 'up', probe: 'up', everyMs: 500 });
    rec.record({ kind: 'series-started', index: 1, id: 'up', probe: 'up', everyMs: 2000 });
    rec.record({ kind: 'series-sampled', index: 1, sample: sample(false) });
    rec.record({ kind: 'series-sampled', index: 0, sample: sample(true) });
    expect(rec.journal.continuous.map((s) => s.samples.map((x) => x.ok))).toEqual([[true], [false]]);
  });

  test('a workload keeps its own failure and adds the problems of stopping it', () => {
    const rec = new RunRecorder(head);
    rec.record({ kind: 'workload-started', id: 'orders', description: 'pg-outbox-writer' });
    rec.record({ kind: 'workload-stop-problem', id: 'orders', problem: 'did not confirm its stop within 30s' });
    rec.record({ kind: 'workload-stop-problem', id: 'orders', problem: 'stop failed: boom' });
    rec.record({ kind: 'workload-stopped', id: 'orders' });
    expect(rec.journal.workloads[0]).toMatchObject({ error: 'did not confirm its stop within 30s; stop failed: boom' });
    expect(rec.journal.workloads[0].stoppedAt).toBeDefined();
    expect(rec.outcome).toBe('passed');
  });
});
