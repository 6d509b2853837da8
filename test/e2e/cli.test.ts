/**
 * The CLI end to end as a user runs it: `faultline run` on the shipped scenario against a real
 * Temporal dev server and real Docker, bad input that must start nothing, `faultline plan`, and the
 * same workflow started with `temporal workflow start --input-file`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Journal } from '../../src/report/journal';
import { loadExperimentFile } from '../../src/spec/load';
import { temporalCliPath } from '../../src/temporal/config';
import { exec } from '../helpers/exec';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { type WorkerProcess, spawnWorker } from '../helpers/worker-process';

const ROOT = join(__dirname, '..', '..');
const SCENARIO = join(ROOT, 'scenarios', 'nats-kill-recovery.yaml');
const docker = new Docker();
let t: TestTemporal;
let dir: string;

beforeAll(async () => {
  t = await startTestTemporal();
  dir = mkdtempSync(join(tmpdir(), 'fl-e2e-'));
});
afterAll(async () => {
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const run = exec;

const faultline = (args: string[]) =>
  run(process.execPath, [join(ROOT, 'bin', 'faultline.js'), ...args], {
    TEMPORAL_ADDRESS: t.address,
    FAULTLINE_UI_URL: t.server.uiUrl ?? '',
    FAULTLINE_ARTIFACTS_DIR: join(dir, 'artifacts'),
  });

async function faultlineContainers(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: ['faultline.project'] } })).length;
}

async function workflowCount(): Promise<number> {
  let n = 0;
  for await (const _ of t.client.workflow.list()) n++;
  return n;
}

test('faultline run on the NATS kill scenario passes and writes its journal', async () => {
  const r = await faultline(['run', SCENARIO, '--workflow-id', 'e2e-nats-kill']);
  expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
  expect(r.stderr).toContain('Web UI: http://127.0.0.1:');
  expect(r.stdout).toContain('PASSED');
  const journal = JSON.parse(readFileSync(join(dir, 'artifacts', 'e2e-nats-kill', 'journal.json'), 'utf8')) as Journal;
  expect(journal.outcome).toBe('passed');
  expect(journal.faults[0]).toMatchObject({ kind: 'container-kill', restore: 'restored' });
  expect(journal.checks.every((c) => c.passed)).toBe(true);
  // The killed server was really down: its continuous probe saw failures during the fault.
  const series = journal.continuous.find((s) => s.id === 'nats-1-roundtrip');
  const samples = series?.samples ?? [];
  const firstDown = samples.findIndex((s) => !s.ok);
  expect(firstDown).toBeGreaterThanOrEqual(0);
  // ...and served again afterwards. Not "the last sample is ok": on a loaded machine the final
  // 1 s round trip may time out although time-to-green (the product's verdict) already passed.
  expect(samples.slice(firstDown).some((s) => s.ok)).toBe(true);
  expect(journal.residue).toEqual([]);
});

test('negative control: a server that never comes back fails the time-to-green check (exit 1)', async () => {
  const file = join(dir, 'no-recovery.yaml');
  writeFileSync(
    file,
    [
      'name: no-recovery',
      'hypothesis: nats-1 serves again within 5 s of its restart',
      `stack: { compose: ${join(ROOT, 'test', 'fixtures', 'compose', 'nats-no-recovery.yml')} }`,
      'probes:',
      '  roundtrip: { kind: nats, service: nats-1, port: 4222, timeout: 500ms }',
      'steadyState: [{ probe: roundtrip }]',
      'method:',
      '  - fault: { kind: container-kill, target: { service: nats-1 } }',
      'checks:',
      '  - { kind: time-to-green, probe: roundtrip, within: 5s }',
    ].join('\n'),
  );
  const r = await faultline(['run', file, '--workflow-id', 'e2e-no-recovery']);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('FAILED');
  const journal = JSON.parse(readFileSync(join(dir, 'artifacts', 'e2e-no-recovery', 'journal.json'), 'utf8')) as Journal;
  expect(journal.outcome).toBe('failed');
  expect(journal.checks[0]).toMatchObject({ kind: 'time-to-green', passed: false });
  expect(journal.checks[0].detail).toContain('not green within 5s');
  // The restore itself worked (the container runs again); only the service did not recover.
  expect(journal.faults[0].restore).toBe('restored');
  expect(journal.residue).toEqual([]);
});

test.each([
  ['an unknown fault kind', { kind: 'disk-fill', target: { service: 'nats-1' } }, 'unknown kind "disk-fill"'],
  ['a target that does not exist', { kind: 'container-kill', target: { service: 'pg' } }, 'unknown service "pg"'],
  [
    'a restart command given by the scenario',
    { kind: 'process-kill', process: { name: 'nats-server' }, restart: ['/bin/sh', '-c', 'touch /tmp/faultline-pwned'] },
    'a scenario cannot give a restart command',
  ],
  ['a pid file that names the worker', { kind: 'process-kill', process: { pidFile: '/proc/self/stat' } }, 'a pid file under /proc'],
])('bad input (%s) exits 64 and starts nothing', async (_what, fault, message) => {
  const exp = loadExperimentFile(SCENARIO) as unknown as Record<string, unknown>;
  const file = join(dir, `bad-${randomName()}.json`);
  writeFileSync(file, JSON.stringify({ ...exp, method: [{ fault }] }));
  const [containers, workflows] = [await faultlineContainers(), await workflowCount()];
  const r = await faultline(['run', file]);
  expect(r.code).toBe(64);
  expect(r.stderr).toContain(message);
  expect(r.stderr).toContain('nothing was started');
  expect(await faultlineContainers()).toBe(containers);
  expect(await workflowCount()).toBe(workflows);
});

test('a fault in an experiment without a stack exits 64 and starts nothing', async () => {
  const file = join(dir, 'no-stack.yaml');
  writeFileSync(file, 'name: no-stack\nhypothesis: h\nmethod:\n  - fault: { kind: container-pause, target: { service: nats-1 } }\n');
  const workflows = await workflowCount();
  const r = await faultline(['run', file]);
  expect(r.code).toBe(64);
  expect(r.stderr).toContain('method[0].fault.target');
  expect(r.stderr).toContain('no "stack" section');
  expect(await workflowCount()).toBe(workflows);
});

test('a malformed scenario file exits 64 with the YAML problem', async () => {
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, 'name: x\nhypothesis: [unclosed\n');
  const r = await faultline(['run', file]);
  expect(r.code).toBe(64);
  expect(r.stderr).toContain('YAML');
});

test('faultline plan prints the resolved plan and touches nothing', async () => {
  const before = await faultlineContainers();
  const r = await faultline(['plan', SCENARIO]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('nats-kill-recovery');
  expect(r.stdout).toContain('SIGKILL');
  expect(await faultlineContainers()).toBe(before);
});

test('temporal workflow start --input-file runs the same experiment on a standalone worker', async () => {
  let worker: WorkerProcess | undefined;
  try {
    worker = await spawnWorker(t.address, join(dir, 'artifacts'), 'e2e-worker');
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(loadExperimentFile(SCENARIO)));
    const r = await run(temporalCliPath(), [
      'workflow', 'start', '--address', t.address, '--type', 'experiment', '--task-queue', 'faultline',
      '--workflow-id', 'e2e-cli-start', '--input-file', file,
    ]);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    const journal = (await t.client.workflow.getHandle('e2e-cli-start').result()) as Journal;
    expect(journal.outcome).toBe('passed');
    expect(journal.faults[0].restore).toBe('restored');
  } finally {
    await worker?.kill('SIGTERM');
  }
});

test('faultline status and abort drive a running experiment; the aborted run restores and exits 2', async () => {
  const file = join(dir, 'long-pause.yaml');
  writeFileSync(
    file,
    [
      'name: long-pause',
      'hypothesis: an aborted run restores its fault',
      `stack: { compose: ${join(ROOT, 'infra', 'docker', 'docker-compose.chaos.yml')}, profiles: [chaos-nats] }`,
      'method:',
      '  - fault: { kind: container-pause, target: { service: nats-2 } }',
      '    duration: 10m',
    ].join('\n'),
  );
  const running = faultline(['run', file, '--workflow-id', 'e2e-abort']);
  let status: Awaited<ReturnType<typeof exec>> | undefined;
  for (let i = 0; i < 120; i++) {
    status = await faultline(['status', 'e2e-abort']);
    if (status.stdout.includes('active fault')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(status?.stdout).toContain('pause service nats-2');
  expect(status?.stdout).toContain('phase fault-injected');
  const abort = await faultline(['abort', 'e2e-abort', '--reason', 'e2e says stop']);
  expect(abort.code).toBe(0);
  const r = await running;
  expect(r.code).toBe(2);
  expect(r.stdout).toContain('ABORTED');
  const journal = JSON.parse(readFileSync(join(dir, 'artifacts', 'e2e-abort', 'journal.json'), 'utf8')) as Journal;
  expect(journal.reasons[0]).toContain('e2e says stop');
  expect(journal.faults[0].restore).toBe('restored');
  expect(journal.residue).toEqual([]);
});

function randomName(): string {
  return Math.random().toString(36).slice(2, 8);
}
