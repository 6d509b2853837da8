/**
 * Targets without any stack (issue 10): containers started with plain `docker run` (here through the
 * Docker API, with no compose or Faultline label) are selected by name or label across the engine.
 * The real `experiment` workflow on a real dev server and worker pauses and kills them and restores
 * them; the containers are the same afterwards (same ids, running, no label added) and nothing is
 * left behind. A worker without chaos enabled refuses, and nothing is touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import Docker from 'dockerode';
import { DEFAULT_POLICY, withChaosEnabled } from '../../src/activities/policy';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { createWorker } from '../../src/worker/create';
import { installRuntime } from '../../src/worker/runtime';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';

const docker = new Docker();
const dir = mkdtempSync(join(tmpdir(), 'fl-stackless-'));
const tag = randomBytes(3).toString('hex');
const taskQueue = `fl-stackless-${tag}`;
const names = [`plain-web-${tag}`, `plain-worker-${tag}`];
let t: TestTemporal;
let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];

async function workerOn(queue: string, chaos: boolean): Promise<void> {
  const worker = await createWorker({ connection: t.native, namespace: 'default', taskQueue: queue, artifactsRoot: dir, workflowBundle: bundle, policy: chaos ? withChaosEnabled(DEFAULT_POLICY) : DEFAULT_POLICY });
  workers.push({ worker, running: worker.run() });
}

beforeAll(async () => {
  installRuntime('ERROR');
  for (const name of names) {
    const c = await docker.createContainer({ name, Image: 'faultline/base:bookworm', Cmd: ['tini', '--', 'sleep', 'infinity'], Labels: { [`fl-test-${tag}`]: name.split('-')[1] } });
    await c.start();
  }
  t = await startTestTemporal();
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
  await workerOn(taskQueue, true);
}, 180_000);

afterAll(async () => {
  for (const c of await docker.listContainers({ all: true, filters: { label: ['faultline.run'] } })) {
    if (c.Labels['faultline.run']?.startsWith(taskQueue)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  for (const w of workers) {
    w.worker.shutdown();
    await w.running.catch(() => undefined);
  }
  for (const name of names) await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

async function state(): Promise<Array<{ id: string; running: boolean; paused: boolean; labels: Record<string, string> }>> {
  return Promise.all(
    names.map(async (n) => {
      const i = await docker.getContainer(n).inspect();
      return { id: i.Id, running: i.State.Running, paused: i.State.Paused, labels: i.Config.Labels ?? {} };
    }),
  );
}

const exp = (name: string, method: ExperimentInput['method']): ExperimentInput => ({ name, hypothesis: 'plain containers come back as they were', method });
const run = (queue: string, input: ExperimentInput): Promise<Journal> =>
  t.client.workflow.execute('experiment', { taskQueue: queue, workflowId: `${queue}-${randomBytes(3).toString('hex')}`, args: [input] }) as Promise<Journal>;

test('no stack: pause by container name and kill by label, restored, the same containers running, no residue', async () => {
  const before = await state();
  const journal = await run(
    taskQueue,
    exp('stackless', [
      { fault: { kind: 'container-pause', target: { container: names[0] } }, duration: '2s' },
      { fault: { kind: 'container-kill', target: { labels: { [`fl-test-${tag}`]: 'worker' } } }, duration: '1s' },
    ]),
  );
  expect(journal.reasons).toEqual([]);
  expect(journal.outcome).toBe('passed');
  expect(journal.faults.map((f) => [f.targets, f.restore])).toEqual([
    [[names[0]], 'restored'],
    [[names[1]], 'restored'],
  ]);
  expect(journal.residue).toEqual([]);
  const after = await state();
  expect(after.map((c) => c.id)).toEqual(before.map((c) => c.id));
  expect(after.every((c) => c.running && !c.paused)).toBe(true);
  expect(after.map((c) => c.labels)).toEqual(before.map((c) => c.labels));
  // Nothing of the run is left: no reverter, no lease.
  expect((await docker.listContainers({ all: true, filters: { label: [`faultline.run=${journal.workflowId}`] } })).length).toBe(0);
});

test('no stack: a name that is on no container is a TargetNotFound naming the engine; nothing started', async () => {
  const journal = await run(taskQueue, exp('stackless-missing', [{ fault: { kind: 'container-pause', target: { container: `nobody-${tag}` } }, duration: '1s' }]));
  expect(journal.outcome).toBe('error');
  expect(journal.reasons.join('\n')).toContain('no container on this Docker engine matches');
});

test('guardrail: a worker without chaos enabled refuses a fault on a container Faultline did not start, nothing touched', async () => {
  const strict = `${taskQueue}-off`;
  await workerOn(strict, false);
  const before = await state();
  const journal = await run(strict, exp('stackless-no-chaos', [{ fault: { kind: 'container-pause', target: { container: names[0] } }, duration: '1s' }]));
  expect(journal.outcome).toBe('error');
  expect(journal.reasons.join('\n')).toContain('chaos is not enabled');
  expect(journal.faults.filter((f) => f.injectedAt !== undefined)).toEqual([]);
  expect(await state()).toEqual(before);
});
