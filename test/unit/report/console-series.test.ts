/** The run summary's probe-series line counts a prober's file, not only the samples the journal kept. */
import { renderSummary } from '../../../src/report/console';
import { type SeriesRecord, emptyJournal } from '../../../src/report/journal';

const journalWith = (series: SeriesRecord) => {
  const j = emptyJournal({ workflowId: 'wf', runId: 'r', experiment: 'e', hypothesis: 'h', startedAt: 0, outcome: 'passed' });
  j.continuous.push(series);
  return j;
};
const sample = (ok: boolean) => ({ ok, at: 1, latencyMs: 1 });

test('a long prober series reports the file totals and its gaps', () => {
  const j = journalWith({ id: 'up', probe: 'up', everyMs: 250, samples: [sample(true), sample(false)], file: '/x.ndjson', total: 5000, failed: 200, elided: 4998, gaps: [{ from: 1, to: 2, missed: 3, attempt: 2 }] });
  expect(renderSummary(j)).toContain('probe series  up: 5000 samples, 200 failed, 1 gap(s) while its worker was down');
});

test('a series of the old loop (no totals) counts the samples it holds', () => {
  const j = journalWith({ id: 'up', probe: 'up', everyMs: 250, samples: [sample(true), sample(false), sample(false)] });
  expect(renderSummary(j)).toContain('probe series  up: 3 samples, 2 failed');
});
