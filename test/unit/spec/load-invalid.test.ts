import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../src/errors';
import { loadExperimentFile } from '../../../src/spec/load';
import { repoPath } from '../../helpers/paths';

const INVALID = repoPath('test/fixtures/scenarios/invalid');
const FAULTS = 'expected one of: container-kill, container-stop, container-restart, container-pause';
const DURATION = 'expected a duration like "500ms", "15s", "2m" or "1h"';
const ONE_TARGET = 'give exactly one of "service", "container", "labels" or "fromProbe"';
const NOT_A_SIGNAL = 'not a Linux signal; expected a name like SIGKILL, SIGTERM or SIGUSR1, or a number from 1 to 64';
const STEP_KEYS = '"fault", "wait", "probe", "serial" or "parallel"';

/**
 * Each invalid fixture and every problem it must report, one substring per problem line. The
 * number of lines must match too, so a fixture cannot pass while burying its problem in noise.
 */
const EXPECTED: Record<string, string[]> = {
  'yaml-syntax.yaml': ['YAML line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  'yaml-duplicate-key.yaml': ['YAML line 5, column 1: duplicate key "method"'],
  'yaml-multiple-documents.yaml': ['YAML line 5, column 1: a scenario file holds one YAML document'],
  'root-not-mapping.yaml': ['(root): expected a mapping with name, hypothesis and method; got a list'],
  'empty-file.yaml': ['(root): expected a mapping with name, hypothesis and method; the file is empty'],
  'missing-name.yaml': ['name: required'],
  'bad-name.yaml': ['name: names are kebab-case, at most 63 characters'],
  'missing-hypothesis.yaml': ['hypothesis: required'],
  'empty-method.yaml': ['method: the method needs at least one step'],
  'method-not-a-list.yaml': ['method: expected a list, got a mapping'],
  'method-without-fault.yaml': ['method: the method injects no fault'],
  'unknown-fault-kind.yaml': [`method[0].fault.kind: unknown kind "disk-fill"; ${FAULTS}`],
  'missing-fault-kind.yaml': [`method[0].fault.kind: "kind" is required; ${FAULTS}`],
  'unknown-probe-kind.yaml': ['probes.api.kind: unknown kind "grpc"; expected one of: http, tcp, postgres, nats, container'],
  'unknown-check-kind.yaml': ['checks[0].kind: unknown kind "exactly-once"; expected one of: time-to-green, drained, no-loss, fail-closed, success-rate'],
  'unknown-workload-reference.yaml': ['workloads[1].id: duplicate workload id "orders"', 'checks[0].workload: unknown workload "api"; declared: orders'],
  'unknown-top-level-key.yaml': ['(root): unknown key "steady_state"'],
  'unknown-fault-key.yaml': ['method[0].fault: unknown key "sgnal"'],
  'unknown-step.yaml': [`method[1]: a step needs one of ${STEP_KEYS}; unknown key "sleep"`],
  'step-with-two-kinds.yaml': [`method[0]: a step has exactly one of ${STEP_KEYS}; found "wait" and "fault"`],
  'target-both.yaml': [`method[0].fault.target: ${ONE_TARGET} (got "service" and "container")`],
  'target-none.yaml': [`method[0].fault.target: ${ONE_TARGET} (none given)`],
  'mode-percent-zero.yaml': ['method[0].fault.target.mode.percent: must be more than 0'],
  'proxy-name-hostile.yaml': ['method[0].fault.proxy: a proxy name may use only letters, digits, ".", "_" and "-" (it reaches a generated revert script)'],
  'mode-percent-150.yaml': ['method[0].fault.target.mode.percent: must be at most 100'],
  'mode-count-zero.yaml': ['method[0].fault.target.mode.count: must be at least 1'],
  'mode-unknown.yaml': ['method[0].fault.target.mode: expected "all", "one", { count: N } or { percent: P }, got string "half"'],
  'bad-duration.yaml': [`method[1].wait: ${DURATION}`],
  'bad-signal.yaml': ['method[0].fault.signal: expected a signal name like SIGKILL or SIGTERM'],
  'http-url-not-loopback.yaml': ['probes.api.url: url must be an http(s) URL on a loopback host (127.0.0.1, localhost, ::1)'],
  'http-no-address.yaml': ['probes.api: give either "url" or both "service" and "port"'],
  'tcp-host-not-loopback.yaml': ['steadyState[0].probe.host: only loopback hosts (127.0.0.0/8, localhost, ::1) may be probed'],
  'unknown-probe-reference.yaml': [
    'steadyState[0].probe: unknown probe "api-health"; defined: api',
    'checks[0].probe: unknown probe "api-healthz"; defined: api',
  ],
  'duplicate-step-ids.yaml': ['method[2].parallel[0].id: duplicate step id "pause-web" (also method[0])'],
  'expect-bad-regex.yaml': ['steadyState[0].expect.regex: not a valid regular expression: (unclosed'],
  'expect-range-reversed.yaml': ['steadyState[0].expect.range: range must be [low, high] with low <= high'],
  'expect-no-comparator.yaml': ['probes.api.expect: give at least one of eq, ne, lt, lte, gt, gte, range, regex or a jsonpath'],
  'bad-rollback-action.yaml': [
    'rollbacks[0].action: expected one of "container-start", "container-unpause", "container-restart", got string "container-kill"',
  ],
  'check-missing-within.yaml': ['checks[0].within: required'],
  'probe-timeout-zero.yaml': ['probes.api.timeout: a timeout must be above zero'],
  'continuous-every-zero.yaml': ['continuous[0].every: an interval is at least 50ms', 'continuous[1].every: an interval is at least 50ms'],
  'duration-huge.yaml': ['method[0].duration: a duration is at most 168h (7 days)', 'method[1].wait: a duration is at most 168h (7 days)'],
  'signal-unknown.yaml': [`method[0].fault.signal: ${NOT_A_SIGNAL}`, `method[1].fault.signal: ${NOT_A_SIGNAL}`],
  'check-zero-bounds.yaml': ['checks[0].within: a timeout must be above zero', 'checks[0].interval: an interval is at least 50ms'],
  'many-problems.yaml': [
    'name: names are kebab-case',
    'hypothesis: required',
    'probes.api.url: url must be an http(s) URL on a loopback host',
    `method[0].fault.target: ${ONE_TARGET} (none given)`,
    'method[0].fault.signal: expected a signal name',
    `method[1].wait: ${DURATION}`,
    `method[2].parallel[0].fault.kind: unknown kind "disk-fill"; ${FAULTS}`,
    `checks[0].within: ${DURATION}`,
    '(root): unknown key "extra"',
    'steadyState[0].probe: unknown probe "api-health"; defined: api',
  ],
};

function problemsOf(file: string): string[] {
  try {
    loadExperimentFile(join(INVALID, file));
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  throw new Error(`${file} loaded without a problem`);
}

test('there are at least 24 invalid fixtures and each one is in the table', () => {
  const files = readdirSync(INVALID).filter((f) => f.endsWith('.yaml')).sort();
  expect(files.length).toBeGreaterThanOrEqual(24);
  expect(files).toEqual(Object.keys(EXPECTED).sort());
});

test.each(Object.entries(EXPECTED))('%s reports exactly its problems', (file, expected) => {
  const problems = problemsOf(file);
  for (const line of expected) {
    expect(problems.filter((p) => p.includes(line))).toHaveLength(1);
  }
  expect(problems).toHaveLength(expected.length);
});

test('the error names the file, counts the problems, lists each on its own line and hints where to look', () => {
  const file = join(INVALID, 'many-problems.yaml');
  let error: unknown;
  try {
    loadExperimentFile(file);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const v = error as ValidationError;
  expect(v.code).toBe('InvalidScenario');
  expect(v.retryable).toBe(false);
  expect(v.message.split('\n')[0]).toBe(`${file}: 10 problem(s)`);
  expect(v.message).toContain('\n  - method[1].wait: ');
  expect(v.hint).toContain('docs/scenario-reference.md');
});

test('a file that cannot be read is one problem, not a crash', () => {
  expect(() => loadExperimentFile(join(INVALID, 'no-such-file.yaml'))).toThrow(/cannot read the file/);
});

describe('files that would exhaust the parser or the payload limit are refused before anything else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-invalid-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const HEAD = 'name: broken\nhypothesis: h\nmethod:\n  - fault: { kind: container-kill, target: { service: web } }\n';
  const refusal = (file: string): ValidationError => {
    try {
      loadExperimentFile(file);
    } catch (err) {
      if (err instanceof ValidationError) return err;
      throw err;
    }
    throw new Error(`${file} loaded`);
  };

  test('a file over 1 MiB (a multi-megabyte field)', () => {
    const file = write('big.yaml', `${HEAD}description: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    expect(refusal(file).problems).toEqual(['(root): the file is 2 MiB; a scenario or chain file is at most 1 MiB']);
  });

  test('nesting thousands deep (it overflowed the stack) and nesting past the depth cap', () => {
    const deep = write('deep.yaml', `${HEAD}tags: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(refusal(deep).problems).toEqual([expect.stringMatching(/^(YAML: nested too deeply to read|\(root\): nested more than 64 levels deep)/)]);
    const past = write('past.yaml', `${HEAD}tags: ${'['.repeat(70)}${']'.repeat(70)}\n`);
    expect(refusal(past).problems).toEqual(['(root): nested more than 64 levels deep']);
  });

  test('an alias bomb', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`);
    const file = write('bomb.yaml', `${HEAD}x-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
    expect(refusal(file).problems).toEqual(['YAML: too many aliases (at most 100 uses of an anchor); expand them by hand']);
  });

  test('negative control: a file with a few aliases and ordinary nesting loads', () => {
    const file = write(
      'ok.yaml',
      'name: fine\nhypothesis: h\nmethod:\n  - fault: &pause { kind: container-pause, target: { service: web } }\n    duration: 1s\n  - serial:\n      - parallel:\n          - fault: *pause\n            duration: 2s\n',
    );
    expect(loadExperimentFile(file).method).toHaveLength(2);
  });
});
