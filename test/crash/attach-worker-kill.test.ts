/**
 * The core promise on a stack Faultline did not start: a service of a docker-compose (v1) project
 * is paused through stack.attach, the worker is SIGKILLed while it is paused, and another worker
 * restores it. The stack is left up as it was (same containers, all running), with no residue.
 * Real Temporal dev server, real Docker, real worker processes (node bin/faultline.js worker: run
 * `npm run build` first).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { TASK_QUEUE } from '../../src/temporal/search-attributes';
import { statusQuery } from '../../src/workflows/messages';
import { type OutsideStack, projectState, startOutsideStack } from '../helpers/compose-v1';
import { freePort } from '../helpers/net';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';
import { WorkerPool } from '../helpers/worker-process';

const docker = new Docker();
let t: TestTemporal;
let artifacts: string;
let stack: OutsideStack;
const workers = new WorkerPool(() => artifacts);

beforeAll(async () => {
  // The worker processes inherit this: their operator enables chaos on containers Faultline did not start.
  process.env.FAULTLINE_CHAOS_ENABLED = 'true';
  t = await startTestTemporal();
  artifacts = mkdtempSync(join(tmpdir(), 'fl-crash-attach-'));
  stack = await startOutsideStack(docker, `flcrashattach-${randomBytes(3).toString('hex')}`, await freePort());
}, 180_000);

afterAll(async () => {
  delete process.env.FAULTLINE_CHAOS_ENABLED;
  await workers.killAll();
  await stack?.down();
  await t?.teardown();
  rmSync(artifacts, { recursive: true, force: true });
});

test('SIGKILL while an attached service is paused: another worker restores it and the stack stays up', async () => {
  const before = await projectState(docker, stack.project);
  const first = await workers.spawn(t.address, 'crash-attach-1');
  const exp: ExperimentInput = {
    name: 'crash-attach',
    hypothesis: 'a paused service of an attached stack is restored even when the worker dies',
    stack: { attach: { project: stack.project } },
    probes: { nats: { kind: 'tcp', service: 'nats', port: 4222, timeout: '1s' } },
    steadyState: [{ probe: 'nats' }],
    method: [{ fault: { kind: 'container-pause', target: { service: 'nats' } }, duration: '15s' }],
    checks: [{ kind: 'time-to-green', probe: 'nats', within: '30s' }],
  };
  const handle = await t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId: `crash-attach-${randomBytes(4).toString('hex')}`, args: [exp] });
  await until('the fault to be active', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  expect((await docker.getContainer(`${stack.project}_nats_1`).inspect()).State.Paused).toBe(true);

  await first.kill('SIGKILL');
  // Still paused with no worker alive: nothing else undid it.
  expect((await docker.getContainer(`${stack.project}_nats_1`).inspect()).State.Paused).toBe(true);
  await workers.spawn(t.address, 'crash-attach-2');
  const journal = (await handle.result()) as Journal;

  expect(journal.faults).toHaveLength(1);
  expect(journal.faults[0].restore).toBe('restored');
  expect(journal.residue).toEqual([]);
  expect(journal.outcome).toBe('passed');
  const after = await projectState(docker, stack.project);
  expect(after.map(({ name, id }) => ({ name, id }))).toEqual(before.map(({ name, id }) => ({ name, id })));
  for (const c of after) expect(c).toMatchObject({ state: 'running', paused: false });
}, 240_000);
