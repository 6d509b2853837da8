/**
 * Chain files through the CLI as a user runs them: `faultline run game-day.yaml` against a real
 * Temporal dev server, with the CLI's own in-process worker and real containers (one idle
 * container per stack, paused for real): a serial chain on a shared stack, a parallel chain whose
 * fault windows overlap, a chain stopped by a failing child (exit 1), and pause, extend, resume and
 * abort sent to a chain reaching its running child, whose fault is restored. Plus validate and plan.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { artifactFolder } from '../../src/activities/artifacts/folder';
import type { Journal } from '../../src/report/journal';
import type { ChainResult } from '../../src/workflows/chain-children';
import { type Ran, exec } from '../helpers/exec';
import { repoPath } from '../helpers/paths';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';

const docker = new Docker();
let t: TestTemporal;
let dir: string;
const artifacts = () => join(dir, 'artifacts');

beforeAll(async () => {
  t = await startTestTemporal();
  dir = mkdtempSync(join(tmpdir(), 'fl-chain-e2e-'));
  writeFileSync(join(dir, 'sleeper.yml'), readFileSync(repoPath('test/fixtures/compose/sleeper.yml')));
  // The same idle container with a published port nothing listens on, for a probe that must fail.
  writeFileSync(join(dir, 'sleeper-port.yml'), `${readFileSync(repoPath('test/fixtures/compose/sleeper.yml'), 'utf8')}    ports: ["9"]\n`);
  // A scenario file named by path from the chain files below.
  writeFileSync(
    join(dir, 'pause-1s.yaml'),
    ['name: pause-1s', 'hypothesis: the sleeper is paused for 1 s and unpaused', 'stack: { compose: sleeper.yml }', 'method:', '  - fault: { kind: container-pause, target: { service: sleeper } }', '    duration: 1s'].join('\n'),
  );
});
afterAll(async () => {
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const faultline = (args: string[]) =>
  exec(process.execPath, [repoPath('bin', 'faultline.js'), ...args], {
    TEMPORAL_ADDRESS: t.address,
    FAULTLINE_UI_URL: t.server.uiUrl ?? '',
    FAULTLINE_ARTIFACTS_DIR: artifacts(),
  });

const chainFile = (name: string, lines: string[]) => {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
};
const readJson = <T>(id: string, file: string) => JSON.parse(readFileSync(join(artifacts(), artifactFolder(id), file), 'utf8')) as T;
const childJournal = (id: string) => readJson<Journal>(id, 'journal.json');

async function faultlineContainers(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: ['faultline.project'] } });
}

async function workflowCount(): Promise<number> {
  let n = 0;
  for await (const _ of t.client.workflow.list()) n++;
  return n;
}

const inlinePause = (name: string, duration: string) => [
  `      experiment:`,
  `        name: ${name}`,
  `        hypothesis: the sleeper is paused for ${duration} and unpaused`,
  `        stack: { compose: sleeper.yml }`,
  `        method:`,
  `          - fault: { kind: container-pause, target: { service: sleeper } }`,
  `            duration: ${duration}`,
];

test('a serial chain on a shared stack passes; children run in order, each restores its fault, artifacts are written', async () => {
  const before = (await faultlineContainers()).length;
  const file = chainFile('serial', [
    'name: serial-chain',
    'sharedStack: { compose: sleeper.yml }',
    'steps:',
    '  - file: pause-1s.yaml',
    '  - wait: 500ms',
    '  - id: second',
    ...inlinePause('pause-again', '1s').map((l) => l.replace(/^ {6}/, '    ')),
  ]);
  const r = await faultline(['run', file, '--workflow-id', 'e2e-chain-serial']);
  expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
  expect(r.stdout).toContain('chain serial-chain: PASSED');
  expect(r.stderr).toContain('steps[0] started');
  expect(r.stderr).toContain('steps[2] passed');
  const chain = readJson<ChainResult>('e2e-chain-serial', 'chain.json');
  expect(chain.outcome).toBe('passed');
  expect(chain.children.map((c) => [c.path, c.outcome])).toEqual([['steps[0]', 'passed'], ['steps[2]', 'passed']]);
  expect(readFileSync(join(artifacts(), artifactFolder('e2e-chain-serial'), 'junit.xml'), 'utf8')).toContain('tests="2" failures="0"');
  const [a, b] = chain.children.map((c) => childJournal(c.workflowId));
  for (const j of [a, b]) {
    expect(j.faults[0]).toMatchObject({ kind: 'container-pause', restore: 'restored' });
    expect(j.residue).toEqual([]);
  }
  // Serial: the second fault was injected after the first was restored.
  expect(b.faults[0].injectedAt!).toBeGreaterThanOrEqual(a.faults[0].restoredAt!);
  expect((await faultlineContainers()).length).toBe(before);
});

test('a parallel chain overlaps its children\'s fault windows, each on its own stack', async () => {
  const file = chainFile('parallel', ['name: parallel-chain', 'steps:', '  - parallel:', '    - ' + inlinePause('left', '4s')[0].trim(), ...inlinePause('left', '4s').slice(1), '    - ' + inlinePause('right', '4s')[0].trim(), ...inlinePause('right', '4s').slice(1)]);
  const r = await faultline(['run', file, '--workflow-id', 'e2e-chain-parallel']);
  expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
  const chain = readJson<ChainResult>('e2e-chain-parallel', 'chain.json');
  expect(chain.children.map((c) => c.outcome)).toEqual(['passed', 'passed']);
  const [a, b] = chain.children.map((c) => childJournal(c.workflowId));
  // Both faults were in place at once: each was injected before the other was restored.
  expect(a.faults[0].injectedAt!).toBeLessThan(b.faults[0].restoredAt!);
  expect(b.faults[0].injectedAt!).toBeLessThan(a.faults[0].restoredAt!);
  expect(a.faults[0].targets).not.toEqual(b.faults[0].targets);
});

test('a failing child fails the chain (exit 1) and the steps after it never start', async () => {
  const file = chainFile('failing', [
    'name: failing-chain',
    'steps:',
    '  - experiment:',
    '      name: never-steady',
    '      hypothesis: the sleeper serves HTTP on port 9 (it does not)',
    '      stack: { compose: sleeper-port.yml }',
    '      probes: { listening: { kind: http, service: sleeper, port: 9, path: /, timeout: 500ms } }',
    '      steadyState: [{ probe: listening }]',
    '      method:',
    '        - fault: { kind: container-pause, target: { service: sleeper } }',
    '  - file: pause-1s.yaml',
  ]);
  const r = await faultline(['run', file, '--workflow-id', 'e2e-chain-failing']);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('chain failing-chain: FAILED');
  expect(r.stdout).toContain('stopped: steps[0] ended failed');
  const chain = readJson<ChainResult>('e2e-chain-failing', 'chain.json');
  expect(chain.outcome).toBe('failed');
  expect(chain.children.map((c) => [c.path, c.outcome])).toEqual([['steps[0]', 'failed']]);
  expect(childJournal(chain.children[0].workflowId).faults).toEqual([]);
});

async function pollStatus(id: string, until: (r: Ran) => boolean): Promise<Ran> {
  let s: Ran | undefined;
  for (let i = 0; i < 180; i++) {
    s = await faultline(['status', id]);
    if (until(s)) return s;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`status never matched: ${s?.stdout}${s?.stderr}`);
}

test('pause, extend, resume and abort on a chain reach its running child; the aborted child restores and the run exits 2', async () => {
  const file = chainFile('controls', ['name: controls-chain', 'steps:', '  - id: long', ...inlinePause('long-pause', '10m').map((l) => l.replace(/^ {6}/, '    ')), '  - file: pause-1s.yaml']);
  const running = faultline(['run', file, '--workflow-id', 'e2e-chain-controls']);
  const status = await pollStatus('e2e-chain-controls', (s) => s.stdout.includes('active fault'));
  expect(status.stdout).toContain('chain controls-chain RUNNING');
  expect(status.stdout).toContain('child         steps[0] running');
  expect(status.stdout).toContain('e2e-chain-controls/steps[0]');
  const childId = 'e2e-chain-controls/steps[0]';
  const target = (await faultlineContainers()).find((c) => c.Labels['faultline.project']?.length && c.Names.some((n) => n.includes('sleeper')) && c.State === 'paused');
  expect(target).toBeDefined();

  const paused = await faultline(['pause', 'e2e-chain-controls', '--reason', 'e2e hold']);
  expect({ code: paused.code, out: paused.stdout }).toMatchObject({ code: 0, out: expect.stringContaining(childId) });
  const held = await pollStatus('e2e-chain-controls', (s) => s.stdout.includes('phase fault-injected, PAUSED'));
  expect(held.stdout).toContain('PAUSED        e2e hold');

  const extended = await faultline(['extend', 'e2e-chain-controls', '30s']);
  expect({ code: extended.code, out: extended.stdout, err: extended.stderr }).toMatchObject({ code: 0, out: expect.stringContaining(`${childId}: extended by 30s`) });

  const resumed = await faultline(['resume', 'e2e-chain-controls']);
  expect(resumed.code).toBe(0);
  const going = await pollStatus('e2e-chain-controls', (s) => s.stdout.includes('phase fault-injected') && !s.stdout.includes('PAUSED'));
  expect(going.stdout).toContain('window');

  const abort = await faultline(['abort', 'e2e-chain-controls', '--reason', 'e2e says stop']);
  expect(abort.code).toBe(0);
  const r = await running;
  expect(r.code).toBe(2);
  expect(r.stdout).toContain('chain controls-chain: ABORTED');
  const chain = readJson<ChainResult>('e2e-chain-controls', 'chain.json');
  expect(chain.children.map((c) => [c.path, c.outcome])).toEqual([['steps[0]', 'aborted']]);
  const journal = childJournal(childId);
  expect(journal.outcome).toBe('aborted');
  expect((journal.controls ?? []).map((c) => c.action)).toEqual(expect.arrayContaining(['pause', 'extend', 'resume']));
  expect(journal.faults[0].restore).toBe('restored');
  expect(journal.residue).toEqual([]);
  // The paused container was unpaused before its stack came down.
  expect((await faultlineContainers()).filter((c) => c.Id === target!.Id)).toEqual([]);
});

test('validate and plan on a chain file; a bad chain exits 64 with the path and starts nothing', async () => {
  const good = chainFile('good', ['name: good-chain', 'steps:', '  - file: pause-1s.yaml', '  - scenario: opa-restart']);
  const v = await faultline(['validate', good]);
  expect({ code: v.code, out: v.stdout }).toMatchObject({ code: 0, out: expect.stringContaining('valid chain good-chain') });
  const p = await faultline(['plan', good]);
  expect(p.code).toBe(0);
  expect(p.stdout).toContain('steps[1] scenario opa-restart (workflow type opaRestart)');
  const example = await faultline(['validate', repoPath('examples/game-day.yaml')]);
  expect(example.code).toBe(0);

  const bad = chainFile('bad', ['name: bad-chain', 'steps:', '  - file: pause-1s.yaml', '  - scenario: opa-restrat']);
  const workflows = await workflowCount();
  for (const cmd of ['validate', 'plan', 'run']) {
    const r = await faultline([cmd, bad]);
    expect({ cmd, code: r.code }).toEqual({ cmd, code: 64 });
    expect(r.stderr).toContain('steps[1].scenario: unknown scenario "opa-restrat"; expected one of:');
    expect(r.stderr).toContain('nothing was started');
  }
  expect(await workflowCount()).toBe(workflows);
});
