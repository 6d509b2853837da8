/**
 * SIGKILL of the worker during the Postgres fault of the outbox scenario, with a real worker
 * process, real Docker and the real lab. The run must still restore the fault, the workload must
 * resume on the new worker (appending to the same history), and the no-loss check must report the
 * operations the dead worker left without an outcome as unknown, never as lost.
 *
 * The fault here freezes Postgres (container-pause) instead of killing it: against a killed server
 * every operation fails at once with "connection refused", so nothing would be in flight when the
 * worker dies; a frozen server strands operations mid-call, which is the case this test is about.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { stackDown } from '../../src/activities/stack';
import { historyFile } from '../../src/activities/workloads/history';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { loadExperimentFile } from '../../src/spec/load';
import { TASK_QUEUE } from '../../src/temporal/search-attributes';
import { statusQuery } from '../../src/workflows/messages';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { type WorkerProcess, WorkerPool } from '../helpers/worker-process';
import { until } from '../helpers/until';

const SCENARIO = join(__dirname, '..', '..', 'scenarios', 'postgres-restart-outbox.yaml');
const docker = new Docker();
const project = `fl3-crash-${randomBytes(3).toString('hex')}`;
const workers = new WorkerPool(() => artifacts);
let t: TestTemporal;
let artifacts: string;

beforeAll(async () => {
  t = await startTestTemporal();
  artifacts = mkdtempSync(join(tmpdir(), 'fl3-crash-'));
});
afterAll(async () => {
  await workers.killAll();
  await stackDown(docker, project).catch(() => undefined);
  await t?.teardown();
  rmSync(artifacts, { recursive: true, force: true });
});

const worker = (name: string): Promise<WorkerProcess> => workers.spawn(t.address, name);


/** Ids the raw history shows invoked with no outcome line: what a dead worker leaves behind. */
function strandedIds(file: string): string[] {
  const invoked = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const e = (() => { try { return JSON.parse(line) as { type: string; id?: string }; } catch { return undefined; } })();
    if (!e?.id) continue;
    if (e.type === 'invoke') invoked.add(e.id);
    else invoked.delete(e.id);
  }
  return [...invoked].sort();
}

test('SIGKILL during the Postgres fault: restored, workload resumed, stranded operations reported unknown', async () => {
  const exp = loadExperimentFile(SCENARIO) as unknown as ExperimentInput & { stack: Record<string, unknown> };
  const input: ExperimentInput = {
    ...exp,
    stack: { ...exp.stack, compose: String(exp.stack.compose), project },
    method: [{ wait: '3s' }, { id: 'freeze-postgres', fault: { kind: 'container-pause', target: { service: 'postgres' } }, duration: '8s' }],
  };
  const first = await worker('fl3-crash-1');
  const handle = await t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId: project, args: [input] });
  await until('the fault to be active', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  // Let operations pile up against the frozen server, then kill the worker that runs them.
  await new Promise((r) => setTimeout(r, 1000));
  await first.kill('SIGKILL');
  await worker('fl3-crash-2');
  const journal = (await handle.result()) as Journal;

  expect(journal.faults[0]).toMatchObject({ kind: 'container-pause', restore: 'restored' });
  expect(journal.residue).toEqual([]);
  const file = historyFile(artifacts, journal.workflowId, 'orders');
  const text = readFileSync(file, 'utf8');
  // The workload ran again on the second worker, in the same file.
  expect(text.match(/"type":"start"/g)?.length).toBeGreaterThanOrEqual(2);
  const stranded = strandedIds(file);
  expect(stranded.length).toBeGreaterThan(0);

  const noLoss = journal.checks.find((c) => c.kind === 'no-loss');
  expect(noLoss?.evidence?.lostCount).toBe(0);
  expect([...((noLoss?.evidence?.unknown as string[]) ?? [])].sort()).toEqual(expect.arrayContaining(stranded));
  for (const id of stranded) expect(noLoss?.evidence?.lost).not.toContain(id);
  expect(noLoss?.passed).toBe(true);
  expect(journal.outcome).toBe('passed');
});
