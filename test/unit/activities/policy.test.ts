/**
 * The worker's policy: read from a file and the environment, validated with every problem listed,
 * nothing host-level by default; and the compose roots it sets for files named in workflow input.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_POLICY, composePolicyOf, loadWorkerPolicy, parsePolicy, withComposeRoots, withHostPorts } from '../../../src/activities/policy';
import { checkAgainstStack } from '../../../src/activities/stack/check';
import { FaultlineError, ValidationError } from '../../../src/errors';
import { loadComposeFile } from '../../../src/spec/compose';
import { Experiment } from '../../../src/spec';

const dir = mkdtempSync(join(tmpdir(), 'fl-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMPOSE = 'services:\n  web:\n    image: nginx:alpine\n';

test('the default refuses host faults and reads compose files only from the Faultline folder', () => {
  expect(loadWorkerPolicy(undefined, {})).toEqual(DEFAULT_POLICY);
  expect(DEFAULT_POLICY.hostFaults).toEqual({ enabled: false, processes: [], restarts: {} });
  expect(DEFAULT_POLICY.compose).toEqual({ roots: [], bindRoots: [] });
  // No host port beyond a stack's own published ones.
  expect(DEFAULT_POLICY.probes).toEqual({ hostPorts: [] });
});

test('a policy file, and the environment lists on top of it', () => {
  const file = join(dir, 'worker.yaml');
  writeFileSync(file, 'hostFaults:\n  enabled: true\n  processes: [my-daemon]\n  restarts:\n    my-daemon: [/usr/sbin/my-daemon, --flag]\ncompose:\n  roots: [/srv/scenarios]\nprobes:\n  hostPorts: [5432, "9000-9009"]\n');
  expect(loadWorkerPolicy(file, { FAULTLINE_BIND_ROOTS: '/srv/data', FAULTLINE_HOST_PROCESSES: 'other, third', FAULTLINE_PROBE_PORTS: '8080,*' })).toEqual({
    hostFaults: { enabled: true, processes: ['my-daemon', 'other', 'third'], restarts: { 'my-daemon': ['/usr/sbin/my-daemon', '--flag'] } },
    compose: { roots: ['/srv/scenarios'], bindRoots: ['/srv/data'] },
    probes: {
      hostPorts: [
        { from: 5432, to: 5432 },
        { from: 9000, to: 9009 },
        { from: 8080, to: 8080 },
        { from: 1, to: 65535 },
      ],
    },
  });
  expect(loadWorkerPolicy(undefined, { FAULTLINE_WORKER_CONFIG: file }).hostFaults.enabled).toBe(true);
  // FAULTLINE_HOST_PROCESSES alone enables host faults for exactly those names.
  expect(loadWorkerPolicy(undefined, { FAULTLINE_HOST_PROCESSES: 'a' }).hostFaults).toEqual({ enabled: true, processes: ['a'], restarts: {} });
});

test('a bad policy lists every problem with its path (exit 64 in the CLI)', () => {
  const err = (() => {
    try {
      parsePolicy('hostFaults:\n  enabled: yes please\n  restarts: { x: "/bin/sh -c id" }\ncompose: { roots: [relative] }\nextra: 1\n', 'w.yaml');
    } catch (e) {
      return e;
    }
  })();
  expect(err).toBeInstanceOf(ValidationError);
  const text = (err as ValidationError).message;
  for (const p of ['hostFaults.enabled', 'hostFaults.restarts.x', 'compose.roots.0', 'extra']) expect(text).toContain(p);
  expect(() => loadWorkerPolicy(join(dir, 'missing.yaml'), {})).toThrow(/cannot read the worker config/);
  expect(() => loadWorkerPolicy(undefined, { FAULTLINE_COMPOSE_ROOTS: 'rel/ative' })).toThrow(/must be an absolute path/);
});

describe('compose files named in workflow input', () => {
  const inside = join(dir, 'allowed');
  const outside = join(dir, 'elsewhere');
  beforeAll(() => {
    for (const d of [inside, outside]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'compose.yaml'), COMPOSE);
    }
    symlinkSync(outside, join(inside, 'link'));
  });

  const exp = (compose: string) => Experiment.parse({ name: 'x', hypothesis: 'h', stack: { compose }, method: [{ fault: { kind: 'container-kill', target: { service: 'web' } } }] });

  test('are refused outside the roots, before they are read, with a non-retryable error', () => {
    const policy = composePolicyOf(DEFAULT_POLICY);
    for (const path of [join(outside, 'compose.yaml'), join(inside, 'link', 'compose.yaml'), '/etc/passwd']) {
      let err: unknown;
      try {
        checkAgainstStack(exp(path), 'x', policy);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FaultlineError);
      expect((err as FaultlineError).code).toBe('ComposeRefused');
      expect((err as FaultlineError).retryable).toBe(false);
      expect((err as FaultlineError).message).toMatch(/outside the folders this worker reads compose files from/);
    }
  });

  test('are read under a configured root, and the shipped scenarios under the Faultline folder', () => {
    const policy = composePolicyOf(withComposeRoots(DEFAULT_POLICY, [inside]));
    expect(Object.keys(checkAgainstStack(exp(join(inside, 'compose.yaml')), 'x', policy).model?.services ?? {})).toEqual(['web']);
    expect(() => checkAgainstStack(exp(join(outside, 'compose.yaml')), 'x', policy)).toThrow(/outside the folders/);
    // What the shipped scenarios and the named scenario types use: under the Faultline folder, relative or absolute.
    const mesh = 'infra/docker/docker-compose.mesh.yml';
    expect(() => loadComposeFile(mesh, composePolicyOf(DEFAULT_POLICY))).not.toThrow();
    expect(() => loadComposeFile(resolve(__dirname, '../../..', mesh), composePolicyOf(DEFAULT_POLICY))).not.toThrow();
  });

  test('the CLI reading its own user file passes no roots and is not limited', () => {
    expect(Object.keys(checkAgainstStack(exp(join(outside, 'compose.yaml')), 'x').model?.services ?? {})).toEqual(['web']);
  });
});

test('host ports for probes: bad entries refused with their path, and faultline run adds only the ports its scenario names', () => {
  const err = (() => {
    try {
      parsePolicy('probes:\n  hostPorts: [0, "9-1", "80-", http]\n', 'w.yaml');
    } catch (e) {
      return e as ValidationError;
    }
  })();
  expect(err).toBeInstanceOf(ValidationError);
  expect(err?.problems).toEqual([
    'probes.hostPorts.0: "0" is not a port (1-65535), a range "from-to" or "*"',
    'probes.hostPorts.1: "9-1" is not a port (1-65535), a range "from-to" or "*"',
    'probes.hostPorts.2: "80-" is not a port (1-65535), a range "from-to" or "*"',
    'probes.hostPorts.3: "http" is not a port (1-65535), a range "from-to" or "*"',
  ]);
  expect(() => loadWorkerPolicy(undefined, { FAULTLINE_PROBE_PORTS: '70000' })).toThrow(ValidationError);
  expect(withHostPorts(DEFAULT_POLICY, [5432]).probes.hostPorts).toEqual([{ from: 5432, to: 5432 }]);
  expect(DEFAULT_POLICY.probes.hostPorts).toEqual([]);
});
