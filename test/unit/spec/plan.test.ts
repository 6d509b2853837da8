import { join, resolve } from 'node:path';
import { type ExperimentInput, parseExperiment } from '../../../src/spec';
import { loadExperimentFile } from '../../../src/spec/load';
import { planDetails, planSummary, renderPlan, truncateBytes } from '../../../src/spec/plan';
import { repoPath } from '../../helpers/paths';

const VALID = repoPath('test/fixtures/scenarios/valid');
const full = loadExperimentFile(join(VALID, 'full.yaml'));
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The lines of one section of the plan: from its title to the next blank line. */
function section(plan: string, title: string): string[] {
  const lines = plan.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) throw new Error(`no section "${title}" in:\n${plan}`);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('renderPlan', () => {
  const plan = renderPlan(full, { services: ['api', 'postgres', 'relay'] });

  test('heads with the name, hypothesis and the resolved stack', () => {
    expect(plan.startsWith('experiment  full-outbox-restart\nhypothesis  Orders committed during')).toBe(true);
    expect(section(plan, 'stack')).toEqual([
      `  compose   ${resolve(VALID, '../compose/docker-compose.yml')}`,
      '  profiles  chaos-outbox',
      '  services  api, postgres, relay',
      '  project   derived from the workflow id (fl-<workflowId>)',
      '  health    wait up to 120s for services to be healthy',
      '  teardown  yes, after the run',
    ]);
  });

  test('lists the probe library with defaults applied and each probe expectation', () => {
    const probes = section(plan, 'probes');
    expect(probes).toContain('  api-health: http GET api:8080/healthz, timeout 2s, default check');
    expect(probes).toContain('  outbox-backlog: postgres postgres:5432 "select count(*) from outbox where sent_at is null", timeout 2s, expect < 1000');
  });

  test('steady state uses the step expectation over the probe own', () => {
    expect(section(plan, 'steady state')).toEqual([
      '  1. api-health: default check',
      '  2. outbox-backlog: expect < 10',
      '  3. tcp 127.0.0.1:5432: default check',
    ]);
  });

  test('continuous probes show their series id and cadence', () => {
    expect(section(plan, 'continuous probes')).toEqual(['  api-health every 1s, default check', '  backlog: outbox-backlog every 250ms, expect < 1000']);
  });

  test('the method is an indented tree in document order, with durations and fault ids', () => {
    expect(section(plan, 'method')).toEqual([
      '  [0] fault restart service postgres (grace 0s)  (step restart-db)',
      '        held until the restore phase; fault id <workflowId>/method[0]',
      '  [1] wait 2s',
      '  [2] parallel: all at once, a failing branch cancels the others',
      '    [0] fault pause service api (one)  (step pause-api)',
      '          held for 10s, then restored; fault id <workflowId>/method[2].parallel[0]',
      '    [1] serial: one after another',
      '      [0] wait 1s',
      '      [1] fault stop labels tier=relay (50%) (grace 10s)',
      '            held until the restore phase; fault id <workflowId>/method[2].parallel[1].serial[1]',
      '  [3] probe bus-roundtrip: expect $.roundTripMs in [0, 500]',
      '  [4] wait 1.5s',
    ]);
  });

  test('restores run newest first; a timed fault is restored when its duration ends', () => {
    const restore = section(plan, 'restore phase');
    expect(restore.slice(0, 2)).toEqual([
      '  1. <workflowId>/method[2].parallel[1].serial[1]  stop labels tier=relay (50%) (grace 10s)',
      '  2. <workflowId>/method[0]  restart service postgres (grace 0s)',
    ]);
    expect(restore).toContain('  faults of a parallel block are restored in the reverse of the order they were actually injected');
    expect(restore).toContain('  <workflowId>/method[2].parallel[0]  pause service api (one): restored after 10s, or here if the run stops first');
  });

  test('rollbacks and checks come last, checks with their bounds', () => {
    expect(section(plan, 'rollbacks')).toEqual(['  1. container-start labels tier=relay']);
    expect(section(plan, 'checks')).toEqual([
      '  api-back: time-to-green api-health passes 3x in a row (one try every 500ms) within 30s of the last restore',
      '  time-to-green-1: time-to-green outbox-backlog passes 2x in a row (one try every 1s) within 1m of the last restore',
    ]);
    expect(plan.trimEnd().endsWith('then: residue scan of every fault, journal and artifacts, stack teardown')).toBe(true);
  });

  test('is pure: the experiment is not changed and the same input gives the same text', () => {
    const before = JSON.stringify(full);
    expect(renderPlan(full, { services: ['api', 'postgres', 'relay'] })).toBe(plan);
    expect(JSON.stringify(full)).toBe(before);
  });

  test('without a stack, says so, and rollbacks are marked as skipped', () => {
    const exp = parseExperiment({
      name: 'no-stack',
      hypothesis: 'h',
      method: [{ fault: { kind: 'container-kill', target: { container: 'w' } } }, { wait: 90_000 }],
      rollbacks: [{ action: 'container-start', target: { container: 'w' } }],
    });
    const text = renderPlan(exp);
    expect(section(text, 'stack')).toEqual(['  none: fault targets are looked up across the Docker engine by container name or labels']);
    expect(text).toContain('[0] fault kill container w with SIGKILL');
    expect(text).toContain('[1] wait 1m30s');
    expect(section(text, 'rollbacks')).toEqual(['  1. container-start container w', '  skipped: rollbacks only run when the experiment has a stack']);
    expect(text).not.toContain('\nchecks');
  });
});

describe('planSummary', () => {
  test('one line with the name and the method in short', () => {
    expect(planSummary(full)).toBe(
      'full-outbox-restart: restart service postgres (grace 0s); wait 2s; pause service api (one) for 10s; wait 1s; ' +
        'stop labels tier=relay (50%) (grace 10s); wait 1.5s | 2 checks',
    );
  });

  test('stays within 200 bytes of UTF-8 however long the method is', () => {
    const input: ExperimentInput = {
      name: 'long-one',
      hypothesis: 'h',
      method: Array.from({ length: 40 }, (_, i) => ({ fault: { kind: 'container-pause' as const, target: { service: `sérvice-ü-${i}` } } })),
    };
    const summary = planSummary(parseExperiment(input));
    expect(bytes(summary)).toBeLessThanOrEqual(200);
    expect(summary).not.toContain('\n');
    expect(summary.endsWith('…')).toBe(true);
  });
});

describe('planDetails', () => {
  test('markdown with the hypothesis, each fault and how long it lasts, and the tree', () => {
    const md = planDetails(full);
    expect(md).toContain('**hypothesis** Orders committed during a Postgres restart');
    expect(md).toContain('- `method[2].parallel[0]` pause service api (one): held for 10s, then restored');
    expect(md).toContain('- `method[0]` restart service postgres (grace 0s): held until the restore phase');
    expect(md).toContain('```\n  [0] fault restart service postgres');
    expect(md).toContain('- api-back: time-to-green api-health passes 3x in a row');
  });

  test('stays within 20 KB', () => {
    const method = Array.from({ length: 600 }, (_, i) => ({ id: `kill-${i}`, fault: { kind: 'container-kill' as const, target: { service: `service-${i}` } } }));
    const md = planDetails(parseExperiment({ name: 'huge', hypothesis: 'h', method }));
    expect(bytes(md)).toBeLessThanOrEqual(20 * 1024);
    expect(bytes(md)).toBeGreaterThan(19 * 1024);
  });
});

test('truncateBytes cuts on a character boundary', () => {
  expect(truncateBytes('abc', 3)).toBe('abc');
  expect(truncateBytes('ééééé', 7)).toBe('éé…');
  expect(truncateBytes('a😀b', 6)).toBe('a😀b');
  expect(truncateBytes('a😀bc', 6)).toBe('a…');
});
