/** Fault TTLs: explicit, duration + grace, and held faults from the planned rest of the method. */
import { type Step, faultTtlMs, parseExperiment, schedule } from '../../../src/spec';
import { renderPlan } from '../../../src/spec/plan';

const pause = { kind: 'container-pause' as const, target: { service: 'a' } };

describe('fault TTL', () => {
  test('an explicit ttl wins over everything', () => {
    expect(faultTtlMs([], 'method[0]', { duration: '10s', ttl: '3s' }, '30s')).toBe(3000);
  });

  test('a timed fault lives for its duration plus the grace', () => {
    expect(faultTtlMs([], 'method[0]', { duration: '10s' }, '5s')).toBe(15_000);
  });

  test('a held fault lives for the planned rest of the method plus the grace', () => {
    const method = parseExperiment(
      {
        name: 'x',
        hypothesis: 'h',
        stack: { compose: 'c.yml' },
        method: [
          { wait: '2s' },
          { fault: pause },
          { parallel: [{ wait: '10s' }, { serial: [{ fault: pause, duration: '3s' }, { wait: '20s' }] }] },
          { wait: '1s' },
        ],
      },
      'test',
    ).method as Step[];
    // Starts at 2 s; the method ends at 2 + max(10, 3 + 20) + 1 = 26 s.
    expect(schedule(method).total).toBe(26_000);
    expect(faultTtlMs(method, 'method[1]', {}, '5s')).toBe(24_000 + 5000);
    expect(schedule(method).starts.get('method[2].parallel[1].serial[1]')).toBe(5000);
  });

  test('defaults: 30 s of grace, and leases wait up to 5 minutes', () => {
    const e = parseExperiment({ name: 'x', hypothesis: 'h', stack: { compose: 'c.yml' }, method: [{ fault: pause }] }, 'test');
    expect(e.safety).toEqual({ grace: '30s', lease: { onBusy: 'wait', timeout: '5m' } });
  });

  test('bad safety settings are reported with their path', () => {
    expect(() =>
      parseExperiment({ name: 'x', hypothesis: 'h', method: [{ wait: '1s' }], safety: { lease: { onBusy: 'steal' } } }, 'test'),
    ).toThrow(/safety\.lease\.onBusy/);
  });
});

describe('plan', () => {
  test('the plan shows every fault TTL and the lease policy', () => {
    const e = parseExperiment(
      {
        name: 'x',
        hypothesis: 'h',
        stack: { compose: 'c.yml' },
        method: [{ fault: pause, duration: '10s' }, { fault: pause }, { fault: pause, ttl: '2m' }, { wait: '20s' }],
        safety: { grace: '5s', lease: { onBusy: 'fail' } },
      },
      'test',
    );
    const lines = renderPlan(e).split('\n');
    const at = lines.findIndex((l) => l.startsWith('safety net'));
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '  <workflowId>/method[0]  reverts itself at the target 15s after injection unless restored (duration + grace 5s)',
      '  <workflowId>/method[1]  reverts itself at the target 25s after injection unless restored (rest of the method + grace 5s)',
      '  <workflowId>/method[2]  reverts itself at the target 2m after injection unless restored (explicit ttl)',
      '  a target leased by another run ends this run with an error',
    ]);
  });
});
