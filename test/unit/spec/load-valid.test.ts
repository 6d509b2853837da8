import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { type Experiment, isFault, isParallel, isSerial, parseExperiment, walkSteps } from '../../../src/spec';
import { loadExperimentFile } from '../../../src/spec/load';
import { repoPath } from '../../helpers/paths';

const VALID = repoPath('test/fixtures/scenarios/valid');
const load = (name: string): Experiment => loadExperimentFile(join(VALID, name));

test.each(readdirSync(VALID).filter((f) => f.endsWith('.yaml')))('%s loads', (file) => {
  expect(() => load(file)).not.toThrow();
});

describe('minimal.yaml gets every default', () => {
  const exp = load('minimal.yaml');

  test('top-level sections default to empty', () => {
    expect(exp).toMatchObject({ tags: [], probes: {}, steadyState: [], continuous: [], rollbacks: [], checks: [] });
    expect(exp.stack).toBeUndefined();
  });

  test('a kill defaults to SIGKILL on every matching container', () => {
    const step = exp.method[0];
    if (!isFault(step) || step.fault.kind !== 'container-kill') throw new Error('expected a container-kill step');
    expect(step.fault.signal).toBe('SIGKILL');
    expect(step.fault.target).toEqual({ container: 'worker-1', mode: 'all' });
    expect(step.duration).toBeUndefined();
  });
});

describe('full.yaml', () => {
  const exp = load('full.yaml');

  test('a relative stack.compose is made absolute against the scenario file folder', () => {
    expect(exp.stack?.compose).toBe(resolve(VALID, '../compose/docker-compose.yml'));
    expect(exp.stack).toMatchObject({ profiles: ['chaos-outbox'], keep: false, healthTimeout: '120s' });
  });

  test('probe defaults: timeout 2s, http GET /, postgres 5432, nats request-reply on 4222', () => {
    for (const p of Object.values(exp.probes)) expect(p.timeout).toBe('2s');
    expect(exp.probes['api-health']).toMatchObject({ method: 'GET', path: '/healthz' });
    expect(exp.probes['api-local']).toMatchObject({ method: 'GET', path: '/' });
    expect(exp.probes['outbox-backlog']).toMatchObject({ port: 5432, user: 'postgres', database: 'postgres' });
    expect(exp.probes['bus-roundtrip']).toMatchObject({ port: 4222, mode: 'request-reply', via: { service: 'nats-2', port: 4222 } });
    expect(exp.probes['postgres-up']).toMatchObject({ target: { service: 'postgres', mode: 'all' } });
  });

  test('inline probes and step expectations are kept as written', () => {
    expect(exp.steadyState[1]).toEqual({ probe: 'outbox-backlog', expect: { lt: 10 } });
    expect(exp.steadyState[2].probe).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 5432, timeout: '500ms' });
  });

  test('continuous probes sample every 1s unless told otherwise', () => {
    expect(exp.continuous.map((c) => c.every)).toEqual(['1s', '250ms']);
  });

  test('fault defaults: restart grace 0s, stop grace 10s; modes one and percent survive', () => {
    const faults: Record<string, unknown> = {};
    walkSteps(exp.method, (s, path) => {
      if (isFault(s)) faults[path] = { ...s.fault, duration: s.duration };
    });
    expect(faults).toEqual({
      'method[0]': { kind: 'container-restart', target: { service: 'postgres', mode: 'all' }, grace: '0s', duration: undefined },
      'method[2].parallel[0]': { kind: 'container-pause', target: { service: 'api', mode: 'one' }, duration: '10s' },
      'method[2].parallel[1].serial[1]': {
        kind: 'container-stop',
        target: { labels: { tier: 'relay' }, mode: { percent: 50 } },
        grace: '10s',
        duration: undefined,
      },
    });
  });

  test('blocks keep their order and a wait may be given in milliseconds', () => {
    expect(isParallel(exp.method[2])).toBe(true);
    const par = exp.method[2];
    if (!isParallel(par)) throw new Error('unreachable');
    expect(isSerial(par.parallel[1])).toBe(true);
    expect(exp.method[4]).toEqual({ wait: 1500 });
  });

  test('checks default to 3 consecutive passes, one try every 500ms', () => {
    expect(exp.checks).toEqual([
      { kind: 'time-to-green', id: 'api-back', probe: 'api-health', within: '30s', consecutive: 3, interval: '500ms' },
      { kind: 'time-to-green', probe: 'outbox-backlog', within: '1m', consecutive: 2, interval: '1s' },
    ]);
  });

  test('rollback targets get the default mode', () => {
    expect(exp.rollbacks).toEqual([{ action: 'container-start', target: { labels: { tier: 'relay' }, mode: 'all' } }]);
  });
});

test('an absolute compose path is left alone, and JSON files load too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-spec-'));
  const file = join(dir, 'scenario.json');
  const input = {
    name: 'json-scenario',
    hypothesis: 'JSON is YAML',
    stack: { compose: '/opt/stack/compose.yml' },
    method: [{ fault: { kind: 'container-pause', target: { service: 'web' } }, duration: 2000 }],
  };
  writeFileSync(file, JSON.stringify(input));
  expect(loadExperimentFile(file).stack?.compose).toBe('/opt/stack/compose.yml');
});

test('parseExperiment leaves a relative compose path alone: only the file loader knows the folder', () => {
  const exp = parseExperiment({
    name: 'x',
    hypothesis: 'h',
    stack: { compose: 'infra/compose.yml' },
    method: [{ fault: { kind: 'container-pause', target: { service: 'web' } } }],
  });
  expect(exp.stack?.compose).toBe('infra/compose.yml');
});

test('every scenario shipped in scenarios/ loads', () => {
  const dir = repoPath('scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) expect(() => loadExperimentFile(join(dir, f))).not.toThrow();
});

test('the complete example in docs/scenario-reference.md is a valid scenario', () => {
  const doc = readFileSync(repoPath('docs/scenario-reference.md'), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /^name:/m.test(b) && /^method:/m.test(b));
  expect(blocks.length).toBeGreaterThan(0);
  for (const block of blocks) expect(() => parseExperiment(parse(block), 'docs example')).not.toThrow();
});
