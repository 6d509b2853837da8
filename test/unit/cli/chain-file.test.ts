/**
 * Chain files as users write them: detection (`steps:` vs `method:`), the shipped game-day example,
 * scenario files by path, named scenarios, inline experiments and bare faults, and the refusals,
 * each with its path and each against a negative control that the same file passes when fixed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../src/errors';
import { isChainFile, knownScenarios, loadChainFile, parseChainFile } from '../../../src/cli/chain-file';
import { renderChainPlan } from '../../../src/cli/chain-plan';
import { looksLikeChain } from '../../../src/spec/chain-file';
import { repoPath } from '../../helpers/paths';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fl-chain-'));
  writeFileSync(join(dir, 'sleeper.yml'), 'services:\n  sleeper:\n    image: faultline/base:bookworm\n    command: [tini, --, sleep, infinity]\n');
  writeFileSync(join(dir, 'pause.yaml'), 'name: pause-it\nhypothesis: h\nstack: { compose: sleeper.yml }\nmethod:\n  - fault: { kind: container-pause, target: { service: sleeper } }\n    duration: 1s\n');
  writeFileSync(join(dir, 'bad.yaml'), 'name: bad\nhypothesis: h\nmethod:\n  - fault: { kind: disk-fill, target: { service: sleeper } }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chainAt = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected a ValidationError');
};
const pause = { kind: 'container-pause', target: { service: 'sleeper' } };
const wait = { experiment: { name: 'w', hypothesis: 'h', stack: { compose: 'sleeper.yml' }, method: [{ fault: pause, duration: '10ms' }] } };

test('a chain is a mapping with steps and no method; a scenario is not a chain', () => {
  expect(looksLikeChain({ name: 'c', steps: [] })).toBe(true);
  expect(looksLikeChain({ name: 'e', hypothesis: 'h', method: [] })).toBe(false);
  expect(looksLikeChain({ name: 'x', steps: [], method: [] })).toBe(false);
  expect(looksLikeChain(['steps'])).toBe(false);
  expect(isChainFile(repoPath('examples/game-day.yaml'))).toBe(true);
  expect(isChainFile(repoPath('scenarios/opa-restart.yaml'))).toBe(false);
  expect(isChainFile(join(dir, 'missing.yaml'))).toBe(false);
});

test('the shipped game-day example validates, with its files resolved next to it', () => {
  const loaded = loadChainFile(repoPath('examples/game-day.yaml'));
  expect(loaded.chain.name).toBe('game-day');
  const step1 = loaded.chain.steps[1] as { parallel: Array<Record<string, unknown>> };
  expect(step1.parallel[0]).toEqual({ scenario: 'nats-kill-recovery' });
  expect(step1.parallel[1]).toMatchObject({ experiment: { name: 'opa-restart', stack: { compose: repoPath('infra/docker/docker-compose.chaos.yml') } } });
  expect(loaded.chain.steps[0]).toMatchObject({ id: 'warm-up', experiment: { stack: { compose: repoPath('infra/docker/docker-compose.chaos.yml') } } });
  expect(loaded.checked.map((c) => c.exp.name)).toEqual(['gateway-warm-up', 'opa-restart', 'postgres-restart-outbox']);
  const plan = renderChainPlan(loaded);
  expect(plan).toContain('steps[1].parallel[0] scenario nats-kill-recovery (workflow type natsKillRecovery)');
  expect(plan).toContain('steps[1].parallel[1] experiment from');
  expect(plan).toContain('steps[2] wait 10s');
});

test('serial, parallel and nested blocks, a file step, waits and a bare fault on a shared stack', () => {
  const f = chainAt(
    'ok.yaml',
    [
      'name: mixed',
      'sharedStack: { compose: sleeper.yml }',
      'steps:',
      '  - file: pause.yaml',
      '  - parallel:',
      '      - serial: [{ wait: 1s }, { fault: { kind: container-pause, target: { service: sleeper } }, duration: 2s }]',
      '      - experiment: { name: inline, hypothesis: h, method: [{ fault: { kind: container-kill, target: { service: sleeper } } }] }',
    ].join('\n'),
  );
  const { chain, checked } = loadChainFile(f);
  expect(chain.sharedStack?.compose).toBe(join(dir, 'sleeper.yml'));
  expect(chain.steps[0]).toMatchObject({ experiment: { name: 'pause-it' } });
  // Every experiment runs on the shared stack and was checked against it.
  expect(checked.every((c) => c.exp.stack?.compose === join(dir, 'sleeper.yml'))).toBe(true);
  expect(checked).toHaveLength(3);
});

test.each([
  ['an unknown top-level key', { name: 'c', steps: [wait], retries: 3 }, '(root): unknown key "retries"'],
  ['no steps', { name: 'c', steps: [] }, 'steps: a chain needs at least one step'],
  ['a bad name', { name: 'Game Day', steps: [wait] }, 'name: names are kebab-case'],
  ['a step with two step keys', { name: 'c', steps: [{ wait: '1s', scenario: 'opa-restart' }] }, 'steps[0]: a chain step has exactly one of'],
  ['a step with no step key', { name: 'c', steps: [{ sleep: '1s' }] }, 'steps[0]: a chain step needs one of'],
  ['an experiment not under experiment:', { name: 'c', steps: [{ name: 'x', hypothesis: 'h', method: [] }] }, 'put it under "experiment:"'],
  ['an unknown key in a nested step', { name: 'c', steps: [{ parallel: [wait, { wait: '1s', every: '2s' }] }] }, 'steps[0].parallel[1]: unknown key "every"'],
  ['a bad wait', { name: 'c', steps: [{ wait: 'soon' }] }, 'steps[0].wait'],
  ['an unknown fault kind', { name: 'c', sharedStack: { compose: 'sleeper.yml' }, steps: [{ fault: { kind: 'disk-fill' }, duration: '1s' }] }, 'steps[0].fault.kind: unknown kind "disk-fill"; expected one of: container-kill'],
  ['a bare fault without a shared stack', { name: 'c', steps: [{ fault: { kind: 'container-pause', target: { service: 'sleeper' } }, duration: '1s' }] }, 'steps[0].fault: a bare fault in a chain needs "sharedStack"'],
  ['a bare fault on a service the shared stack lacks', { name: 'c', sharedStack: { compose: 'sleeper.yml' }, steps: [{ fault: { kind: 'container-pause', target: { service: 'db' } }, duration: '1s' }] }, 'steps[0].fault.target.service: unknown service "db"'],
  ['an inline experiment with a problem', { name: 'c', steps: [{ serial: [{ experiment: { name: 'x', method: [{ wait: '1s' }] } }] }] }, 'steps[0].serial[0].experiment.hypothesis: required'],
  ['an inline experiment with an unknown fault kind', { name: 'c', steps: [{ experiment: { name: 'x', hypothesis: 'h', method: [{ fault: { kind: 'disk-fill' } }] } }] }, 'steps[0].experiment.method[0].fault.kind: unknown kind "disk-fill"'],
  ['a scenario file that does not exist', { name: 'c', steps: [{ file: 'nope.yaml' }] }, 'steps[0].file (nope.yaml): cannot read the file'],
  ['a scenario file with a problem', { name: 'c', steps: [{ file: 'bad.yaml' }] }, 'steps[0].file (bad.yaml): method[0].fault.kind: unknown kind "disk-fill"'],
  ['a scenario file whose target its stack lacks (on the shared stack)', { name: 'c', sharedStack: { compose: 'sleeper.yml' }, steps: [{ file: repoPath('scenarios/opa-restart.yaml') }] }, 'unknown service'],
])('refused: %s', (_what, data, message) => {
  const problems = problemsOf(() => parseChainFile(data, join(dir, 'chain.yaml')));
  expect(problems.join('\n')).toContain(message);
});

test('an unknown scenario name is refused with the list of known ones; a known one passes', () => {
  const problems = problemsOf(() => parseChainFile({ name: 'c', steps: [{ scenario: 'nats-kil-recovery' }] }, join(dir, 'c.yaml')));
  expect(problems).toEqual([expect.stringContaining('steps[0].scenario: unknown scenario "nats-kil-recovery"; expected one of: ')]);
  for (const known of knownScenarios()) expect(problems[0]).toContain(known);
  // Negative controls: the file name, the name without extension and the workflow type all pass.
  for (const name of ['nats-kill-recovery', 'nats-kill-recovery.yaml', 'natsKillRecovery']) {
    expect(parseChainFile({ name: 'c', steps: [{ scenario: name, input: { name: 'x' } }] }, join(dir, 'c.yaml')).chain.steps[0]).toMatchObject({ scenario: name });
  }
});

test('negative controls: each refused chain passes once fixed', () => {
  const file = join(dir, 'chain.yaml');
  expect(() => parseChainFile({ name: 'c', steps: [wait] }, file)).not.toThrow();
  expect(() => parseChainFile({ name: 'c', steps: [{ file: 'pause.yaml' }] }, file)).not.toThrow();
  expect(() => parseChainFile({ name: 'c', sharedStack: { compose: 'sleeper.yml' }, steps: [{ fault: { kind: 'container-pause', target: { service: 'sleeper' } }, duration: '1s' }] }, file)).not.toThrow();
  expect(() => parseChainFile({ name: 'c', steps: [{ parallel: [wait, { wait: '1s' }] }] }, file)).not.toThrow();
});

test('every problem is reported at once', () => {
  const problems = problemsOf(() => parseChainFile({ name: 'c', steps: [{ scenario: 'nope' }, { file: 'bad.yaml' }, { experiment: { name: 'x' } }] }, join(dir, 'c.yaml')));
  expect(problems.length).toBeGreaterThanOrEqual(4);
  expect(problems.map((p) => p.split(/[.:]/)[0])).toEqual(expect.arrayContaining(['steps[0]', 'steps[1]', 'steps[2]']));
});

test('a file that is not a chain, or broken YAML, is refused', () => {
  expect(problemsOf(() => parseChainFile({ name: 'x', hypothesis: 'h', method: [] }, 'x.yaml'))[0]).toContain('(root): expected a mapping with name and steps');
  expect(problemsOf(() => loadChainFile(chainAt('broken.yaml', 'name: c\nsteps: [unclosed\n')))[0]).toContain('YAML line');
});
