/**
 * Every scenario file has a named workflow type whose built-in input is that scenario, and the
 * generated registry is up to date with scenarios/ (setup.sh and `npm run build` regenerate it).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadExperimentFile } from '../../../src/spec/load';
import { parseExperiment } from '../../../src/spec';
import * as generated from '../../../src/workflows/scenario-types.generated';
import { withDefaults } from '../../../src/workflows/scenario';
import { repoPath } from '../../helpers/paths';

const ROOT = repoPath();
const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => /\.ya?ml$/.test(f));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { typeName } = require('../../../scripts/gen-scenario-types.js') as { typeName: (f: string) => string };

test('the generated registry matches scenarios/ (run `node scripts/gen-scenario-types.js` if not)', () => {
  expect(() => execFileSync('node', [join(ROOT, 'scripts', 'gen-scenario-types.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
});

test('there is at least one scenario', () => {
  expect(files.length).toBeGreaterThan(0);
});

test.each(files)('%s has a named workflow type with the scenario built in', (file) => {
  const name = typeName(file);
  const wf = (generated as unknown as Record<string, unknown>)[name];
  expect(typeof wf).toBe('function');
  expect(generated.SCENARIO_TYPES[file]).toBe(name);
  expect((wf as { scenarioFile: string }).scenarioFile).toBe(file);
  // The built-in input, with the compose path resolved the way the worker resolves it, is the scenario.
  const fromFile = loadExperimentFile(join(ROOT, 'scenarios', file));
  const builtIn = parseExperiment(withDefaults((wf as { scenarioDefaults: Record<string, unknown> }).scenarioDefaults, undefined), name);
  if (builtIn.stack?.compose !== undefined) builtIn.stack.compose = resolve(ROOT, builtIn.stack.compose);
  expect(builtIn).toEqual(fromFile);
});

test('type names are camelCase file names', () => {
  expect(typeName('nats-kill-recovery.yaml')).toBe('natsKillRecovery');
  expect(typeName('pg_restart.outbox.yml')).toBe('pgRestartOutbox');
});

test('input overrides the built-in scenario key by key, and stack one level deep', () => {
  const d = { name: 'a', hypothesis: 'h', stack: { compose: 'x.yml', profiles: ['p'] }, method: [{ wait: '1s' }] };
  expect(withDefaults(d, { stack: { keep: true }, name: 'b' })).toEqual({ ...d, name: 'b', stack: { compose: 'x.yml', profiles: ['p'], keep: true } });
  expect(withDefaults(d, null)).toBe(d);
  expect(withDefaults(d, 'not an object')).toBe('not an object');
});
