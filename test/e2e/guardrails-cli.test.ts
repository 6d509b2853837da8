/**
 * The guardrails through the CLI as a user meets them, with a real dev server, the CLI's own
 * in-process worker and real containers: a refusal exits 64 with the refusing rule, whether the
 * CLI sees it before starting (production) or the worker refuses before the inject (a denied
 * target); `--enable-chaos` is refused without an in-process worker; and `faultline plan` shows
 * which guardrail would refuse which container.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { artifactFolder } from '../../src/activities/artifacts/folder';
import type { Journal } from '../../src/report/journal';
import { exec } from '../helpers/exec';
import { repoPath } from '../helpers/paths';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';

const docker = new Docker();
let t: TestTemporal;
let dir: string;
const tag = randomBytes(3).toString('hex');
const previewProject = `flgcli-${tag}`;
const artifacts = () => join(dir, 'artifacts');

beforeAll(async () => {
  t = await startTestTemporal();
  dir = mkdtempSync(join(tmpdir(), 'fl-guard-cli-'));
  writeFileSync(join(dir, 'sleeper.yml'), readFileSync(repoPath('test/fixtures/compose/sleeper.yml')));
  writeFileSync(
    join(dir, 'pause.yaml'),
    ['name: guard-cli', 'hypothesis: the sleeper is paused for 1 s and unpaused', 'stack: { compose: sleeper.yml }', 'method:', '  - fault: { kind: container-pause, target: { service: sleeper } }', '    duration: 1s'].join('\n') + '\n',
  );
  writeFileSync(join(dir, 'deny.yaml'), 'guardrails:\n  deny: { names: ["*-sleeper-*"] }\n');
  writeFileSync(join(dir, 'short.yaml'), 'guardrails:\n  blastRadius: { maxFaultDuration: 500ms }\n  deny: { labels: [tier=core] }\n');
  // For plan's preview: a scenario naming a project whose containers already run (one labelled tier=core).
  writeFileSync(
    join(dir, 'preview.yaml'),
    ['name: guard-preview', 'hypothesis: preview only', `stack: { compose: sleeper.yml, project: ${previewProject} }`, 'method:', '  - fault: { kind: container-pause, target: { service: sleeper } }', '    duration: 1s'].join('\n') + '\n',
  );
  for (const [n, extra] of [[1, { tier: 'core' }], [2, {}]] as const) {
    const c = await docker.createContainer({
      name: `${previewProject}-sleeper-${n}`,
      Image: 'faultline/base:bookworm',
      Cmd: ['tini', '--', 'sleep', 'infinity'],
      Labels: { 'faultline.project': previewProject, 'faultline.service': 'sleeper', ...extra },
    });
    await c.start();
  }
}, 120_000);

afterAll(async () => {
  for (const n of [1, 2]) await docker.getContainer(`${previewProject}-sleeper-${n}`).remove({ force: true }).catch(() => undefined);
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const faultline = (args: string[], env: Record<string, string> = {}) =>
  exec(process.execPath, [repoPath('bin', 'faultline.js'), ...args], { TEMPORAL_ADDRESS: t.address, FAULTLINE_ARTIFACTS_DIR: artifacts(), ...env });

test('production: refused before anything starts, exit 64 with the rule and the scenario', async () => {
  const id = `guard-prod-${tag}`;
  const r = await faultline(['run', join(dir, 'pause.yaml'), '--workflow-id', id], { FAULTLINE_ENVIRONMENT: 'production' });
  expect(r.code).toBe(64);
  expect(r.stderr + r.stdout).toMatch(/guardrail environment: environment is production: scenario guard-cli is not in allowProduction/);
  expect(r.stderr + r.stdout).toContain('nothing was started');
  await expect(t.client.workflow.getHandle(id).describe()).rejects.toThrow(/not found/i);
}, 60_000);

test('a target the worker denies: the workflow refuses before the inject, the CLI exits 64, the journal has no inject', async () => {
  const id = `guard-deny-${tag}`;
  const r = await faultline(['run', join(dir, 'pause.yaml'), '--workflow-id', id, '--worker-config', join(dir, 'deny.yaml')]);
  expect(r.code).toBe(64);
  expect(r.stderr).toMatch(/refused by the worker's guardrails \(a refused fault is neither leased nor injected\)\nbefore method\[0\]: guardrail denylist: on the denylist: fl-guard-deny-[^\s]+-sleeper-1 \(deny name \*-sleeper-\*\)/);
  const j = JSON.parse(readFileSync(join(artifacts(), artifactFolder(id), 'journal.json'), 'utf8')) as Journal;
  expect(j.faults).toEqual([]);
  expect(j.guardrails?.map((g) => [g.stage, g.allowed])).toEqual([
    ['run', true],
    ['inject', false],
  ]);
  // Negative control: the same run with no denylist passes.
  const ok = await faultline(['run', join(dir, 'pause.yaml'), '--workflow-id', `${id}-ok`]);
  expect(ok.code).toBe(0);
}, 180_000);

test('--enable-chaos needs the in-process worker: with --no-worker it is refused with exit 64', async () => {
  const r = await faultline(['run', join(dir, 'pause.yaml'), '--no-worker', '--enable-chaos']);
  expect(r.code).toBe(64);
  expect(r.stderr).toMatch(/--enable-chaos enables chaos on the worker in this process[\s\S]*FAULTLINE_CHAOS_ENABLED=true/);
}, 60_000);

test('plan previews the guardrails: a run rule that refuses, and which running container a rule would refuse', async () => {
  const r = await faultline(['plan', join(dir, 'preview.yaml'), '--config', join(dir, 'short.yaml')]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`guardrails (worker config ${join(dir, 'short.yaml')}; environment not set; chaos not enabled)`);
  expect(r.stdout).toMatch(/before the run: REFUSED guardrail max-fault-duration: method\[0\] would be held 1s: more than maxFaultDuration 500ms/);
  expect(r.stdout).toContain(`method[0] container-pause on service sleeper: 2 container(s) now, 2 chosen at run time`);
  expect(r.stdout).toMatch(new RegExp(`${previewProject}-sleeper-1  REFUSED by denylist: on the denylist: ${previewProject}-sleeper-1 \\(deny label tier=core\\)`));
  expect(r.stdout).toContain(`${previewProject}-sleeper-2  allowed`);
  // Negative control: without the config nothing is refused.
  const plain = await faultline(['plan', join(dir, 'preview.yaml')]);
  expect(plain.stdout).toContain('before the run: allowed');
  expect(plain.stdout).not.toContain('REFUSED');
}, 60_000);
