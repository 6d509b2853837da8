/**
 * The reference lab's two seed scenarios end to end through the CLI, as a newcomer runs them, on a
 * real Temporal dev server and real Docker, and their negative controls: the same scenario against
 * a broken variant of the lab (test/fixtures/compose/) must end `failed` and name what went wrong.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { stackDown } from '../../src/activities/stack';
import type { CheckRecord, Journal } from '../../src/report/journal';
import { loadExperimentFile } from '../../src/spec/load';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';

const ROOT = join(__dirname, '..', '..');
const PG = join(ROOT, 'scenarios', 'postgres-restart-outbox.yaml');
const OPA = join(ROOT, 'scenarios', 'opa-restart.yaml');
const docker = new Docker();
const projects: string[] = [];
let t: TestTemporal;
let dir: string;

beforeAll(async () => {
  t = await startTestTemporal();
  dir = mkdtempSync(join(tmpdir(), 'fl3-lab-e2e-'));
});
afterAll(async () => {
  // Runs tear their stacks down themselves; this only catches a run that died half way.
  for (const p of projects) await stackDown(docker, p).catch(() => undefined);
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

function faultline(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The broken variants in test/fixtures/compose mount the lab's policy from infra/docker/opa, outside
    // their own folder: the worker's operator allows that folder, as a user would for a shared config.
    const env = { ...process.env, TEMPORAL_ADDRESS: t.address, FAULTLINE_ARTIFACTS_DIR: join(dir, 'artifacts'), FAULTLINE_BIND_ROOTS: join(ROOT, 'infra', 'docker', 'opa') };
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'faultline.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a scenario file; `workflowId` starts with fl3 so the derived compose project is ours. */
async function run(file: string, workflowId: string): Promise<{ code: number | null; out: string; journal: Journal }> {
  projects.push(`fl-${workflowId}`);
  const r = await faultline(['run', file, '--workflow-id', workflowId]);
  const journal = JSON.parse(readFileSync(join(dir, 'artifacts', workflowId, 'journal.json'), 'utf8')) as Journal;
  return { code: r.code, out: `${r.stdout}\n${r.stderr}`, journal };
}

/** The shipped scenario pointed at a broken variant of the lab; `within` shortens bounds that must fail anyway. */
function variant(scenario: string, compose: string, within?: string): string {
  const exp = loadExperimentFile(scenario) as unknown as { stack: Record<string, unknown>; checks: Array<Record<string, unknown>> };
  const checks = exp.checks.map((c) => (within && 'within' in c ? { ...c, within } : c));
  const file = join(dir, `${compose.replace(/\W+/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ ...exp, checks, stack: { ...exp.stack, compose: join(ROOT, 'test', 'fixtures', 'compose', compose) } }));
  return file;
}

const check = (j: Journal, id: string): CheckRecord => {
  const c = j.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${JSON.stringify(j.checks)}`);
  return c;
};

test('postgres-restart-outbox passes: nothing lost, nothing duplicated, processing resumes, the outbox drains', async () => {
  const { code, out, journal } = await run(PG, 'fl3-e2e-pg');
  expect({ code, reasons: journal.reasons }).toEqual({ code: 0, reasons: [] });
  expect(out).toContain('PASSED');
  expect(journal.faults[0]).toMatchObject({ kind: 'container-kill', restore: 'restored' });
  // Postgres was really down: the backlog probe could not connect during the fault.
  expect(journal.continuous[0].samples.some((s) => !s.ok)).toBe(true);
  const exactlyOnce = check(journal, 'exactly-once');
  expect(Number(exactlyOnce.evidence?.acknowledged)).toBeGreaterThan(100);
  expect(exactlyOnce.evidence?.lostCount).toBe(0);
  expect(check(journal, 'processing-resumes').passed).toBe(true);
  expect(check(journal, 'outbox-drains').passed).toBe(true);
  expect(journal.residue).toEqual([]);
});

test('negative control: a relay that marks rows sent before publishing loses events, and the run names them', async () => {
  const { code, journal } = await run(variant(PG, 'outbox-broken-relay.yml'), 'fl3-e2e-pg-broken');
  expect(code).toBe(1);
  expect(journal.outcome).toBe('failed');
  const exactlyOnce = check(journal, 'exactly-once');
  expect(exactlyOnce.passed).toBe(false);
  expect(exactlyOnce.detail).toMatch(/lost \d+ \(.*orders-1-\d{6}/);
  const lost = exactlyOnce.evidence?.lost as string[];
  expect(lost.length).toBeGreaterThan(0);
  // Independent evidence: every row the relay's own log says it dropped after marking it sent is
  // reported lost (rows it still held in memory when the check read the stream are lost as well).
  const logs = join(dir, 'artifacts', 'fl3-e2e-pg-broken', 'logs');
  const relayLog = readFileSync(join(logs, readdirSync(logs).find((f) => f.includes('outbox-relay')) ?? 'missing'), 'utf8');
  const dropped = relayLog
    .split('\n')
    .filter((l) => l.includes('"event":"dropped"'))
    .flatMap((l) => (JSON.parse(l.slice(l.indexOf('{'))) as { ids: string[] }).ids);
  expect(dropped.length).toBeGreaterThan(0);
  for (const id of dropped) expect(lost).toContain(id);
  expect(journal.reasons.join('\n')).toContain('check exactly-once failed');
});

test('opa-restart passes: the gateway fails closed while OPA is down and recovers', async () => {
  const { code, journal } = await run(OPA, 'fl3-e2e-opa');
  expect({ code, reasons: journal.reasons }).toEqual({ code: 0, reasons: [] });
  const closed = check(journal, 'no-allow-while-down');
  expect(Number(closed.evidence?.duringFaults)).toBeGreaterThan(10);
  expect(closed.evidence?.allowedCount).toBe(0);
  expect(journal.checks.every((c) => c.passed)).toBe(true);
});

test('negative control: a gateway that fails open is caught, and the run names the allowed requests', async () => {
  const { code, journal } = await run(variant(OPA, 'opa-fail-open.yml'), 'fl3-e2e-opa-open');
  expect(code).toBe(1);
  expect(journal.outcome).toBe('failed');
  const closed = check(journal, 'no-allow-while-down');
  expect(closed.passed).toBe(false);
  expect(closed.detail).toMatch(/requests inside a fault window were allowed: \d+ \(.*api-1-\d{6}@[^,]*=allow/);
  expect(Number(closed.evidence?.allowedCount)).toBeGreaterThan(10);
});

test('negative control: a relay that gives up after Postgres dies leaves the outbox undrained', async () => {
  const { code, journal } = await run(variant(PG, 'outbox-relay-gives-up.yml', '4s'), 'fl3-e2e-pg-gives-up');
  expect(code).toBe(1);
  expect(check(journal, 'outbox-drains')).toMatchObject({ passed: false, detail: expect.stringContaining('not drained within 4s') });
  expect(check(journal, 'processing-resumes')).toMatchObject({ passed: false, detail: expect.stringContaining('not green within 4s') });
  // Rows committed after the relay gave up were never published: no-loss sees them too.
  expect(Number(check(journal, 'exactly-once').evidence?.lostCount)).toBeGreaterThan(0);
});

test('negative control: a gateway that never asks OPA again after a failure fails closed but fails the success rate after', async () => {
  const { code, journal } = await run(variant(OPA, 'opa-never-recovers.yml', '4s'), 'fl3-e2e-opa-stuck');
  expect(code).toBe(1);
  // It refuses everything, so fail-closed holds; the damage shows in recovery and the after window.
  expect(check(journal, 'no-allow-while-down').passed).toBe(true);
  expect(check(journal, 'before').passed).toBe(true);
  const after = check(journal, 'after');
  expect(after.passed).toBe(false);
  expect(after.detail).toMatch(/api from 3s after the last restore: 0\.00% of \d+ succeeded \(minimum 99\.00%\); failures \d+ \(first 10: api-1-\d{6}/);
  expect(check(journal, 'recovers').passed).toBe(false);
});
