/**
 * scenarios/jetstream-lag.yaml end to end on the real mesh: the consumer's pending count grows while
 * it is paused, drains within 30 s once it resumes, and no acknowledged message is lost.
 */
import { scenarioSuite, why } from '../helpers/scenario';

const runner = scenarioSuite();

test('jetstream-lag: pending grows during the pause, drains after, nothing lost', async () => {
  const j = await runner().run('jetstream-lag.yaml');
  expect(why(j)).toBe('passed');
  const grew = j.methodProbes.find((p) => p.label.includes('backlog'))?.sample;
  expect(grew?.ok).toBe(true);
  const pending = (grew?.value as { consumer: { pending: number } }).consumer.pending;
  expect(pending).toBeGreaterThanOrEqual(60);
  const lag = j.continuous.find((s) => s.id === 'lag')?.samples.filter((s) => s.ok) ?? [];
  const last = lag.at(-1)?.value as { consumer: { pending: number } } | undefined;
  expect(last?.consumer.pending).toBeLessThan(pending);
  expect(j.checks.find((c) => c.id === 'backlog-drained')).toMatchObject({ passed: true });
  const noLoss = j.checks.find((c) => c.id === 'events-consumed');
  expect(noLoss?.detail).toMatch(/^all \d+ acknowledged operations of events are in workload billing exactly once/);
  expect(j.residue).toEqual([]);
});
