/**
 * scenarios/leader-kill.yaml end to end (real Temporal, real Docker, the real mesh): the meta
 * leader chosen by probe is the container killed, a new live leader is in place within the bound,
 * and the negative control, the same run with a deliberately short bound (500 ms), must fail.
 */
import { isProbe } from '../../src/spec';
import { scenarioSuite, why } from '../helpers/scenario';

const runner = scenarioSuite();

test('leader-kill passes: the probe-chosen leader is killed and a new one is elected within 10 s', async () => {
  const j = await runner().run('leader-kill.yaml');
  expect(why(j)).toBe('passed');
  const fault = j.faults[0];
  const chosen = fault.chosenBy?.value ?? '';
  expect(chosen).toMatch(/^nats-[ab][123]$/);
  expect(fault.targets).toEqual([`${j.project}-${chosen}-1`]);
  expect(fault.restore).toBe('restored');
  // The continuous probe saw the leader gap, and a different leader confirmed by the bound.
  const series = j.continuous.find((s) => s.id === 'meta')?.samples ?? [];
  expect(series.some((s) => !s.ok)).toBe(true);
  const newLeader = j.methodProbes.find((p) => p.label.includes('meta'))?.sample;
  expect(newLeader).toMatchObject({ ok: true, value: { metaLeaderConfirmed: true } });
  expect((newLeader?.value as { metaLeader: string }).metaLeader).not.toBe(chosen);
  expect(j.checks.find((c) => c.id === 'orders-kept')?.detail).toMatch(/^all \d+ acknowledged operations of orders are in stream LEADER_ORDERS exactly once/);
  expect(j.residue).toEqual([]);
});

test('negative control: a 500 ms bound is too short for an election, so the run fails', async () => {
  const j = await runner().run('leader-kill.yaml', (e) => {
    const wait = e.method.findIndex((s) => 'wait' in s);
    e.method[wait] = { wait: '500ms' };
    expect(isProbe(e.method[wait + 1])).toBe(true);
  });
  expect(j.outcome).toBe('failed');
  expect(j.reasons.join('\n')).toMatch(/probe meta failed: expected a live meta leader|probe meta failed: .*got none/);
  expect(j.faults[0].restore).toBe('restored');
  expect(j.residue).toEqual([]);
});
