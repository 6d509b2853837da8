/**
 * scenarios/membership-surge.yaml end to end on the real mesh: two clones of nats-a1 join cluster A
 * (every A server sees 4 routes), are removed at restore (routes back to 2, no clone left), and the
 * cluster stays healthy with no acknowledged loss.
 */
import Docker from 'dockerode';
import { SURGE_LABEL } from '../../src/activities/faults/cluster/membership-surge';
import { scenarioSuite, why } from '../helpers/scenario';

const runner = scenarioSuite();

test('membership-surge: two servers join cluster A and leave, the cluster stays healthy, nothing lost', async () => {
  const j = await runner().run('membership-surge.yaml');
  expect(why(j)).toBe('passed');
  const fault = j.faults[0];
  expect(fault).toMatchObject({ kind: 'membership-surge', restore: 'restored' });
  expect(fault.injectDetails?.[0]).toMatch(/started 2 clone\(s\): nats-a1-s[0-9a-f]{4}-1, nats-a1-s[0-9a-f]{4}-2/);
  expect(j.methodProbes.find((p) => p.label.includes('a2-routes-surged'))?.sample).toMatchObject({ ok: true, value: { summary: { numRoutes: 4 } } });
  expect(j.checks.find((c) => c.id === 'orders-kept')?.detail).toMatch(/^all \d+ acknowledged operations of orders are in stream SURGE_ORDERS exactly once/);
  expect(j.residue).toEqual([]);
  const left = await new Docker().listContainers({ all: true, filters: { label: [SURGE_LABEL] } });
  expect(left.filter((c) => c.Labels['faultline.project'] === j.project)).toEqual([]);
});
