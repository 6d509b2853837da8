/**
 * Stack ownership on the real Docker engine. What stack up creates carries its run's owner labels;
 * a second run naming the same project is refused (and its teardown removes nothing of the owner's
 * stack); `share: true` runs on it and its teardown removes only what it added; a compose project
 * of that name started outside Faultline is refused. The first group drives the stack activities
 * directly, the second the real `experiment` workflow on a real Temporal dev server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import Docker from 'dockerode';
import { stackDown, stackUp } from '../../src/activities/stack';
import { DEFAULT_POLICY } from '../../src/activities/policy';
import type { StackOwner } from '../../src/activities/types';
import { FaultlineError } from '../../src/errors';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput, StackSpec } from '../../src/spec';
import { createWorker } from '../../src/worker/create';
import { installRuntime } from '../../src/worker/runtime';
import { startOutsideStack } from '../helpers/compose-v1';
import { freePort } from '../helpers/net';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';

const docker = new Docker();
const OWNED = join(__dirname, '..', 'fixtures', 'compose', 'attach', 'owned.yml');
const projects: string[] = [];
const newProject = (): string => {
  const p = `fltest-own-${randomBytes(4).toString('hex')}`;
  projects.push(p);
  return p;
};
const spec = (o: Partial<StackSpec> = {}): StackSpec => ({ compose: OWNED, profiles: [], keep: false, healthTimeout: '60s', ...o });
const owner = (name: string): StackOwner => ({ workflowId: `wf-${name}`, runId: `run-${name}-${randomBytes(4).toString('hex')}` });

/** Every object Faultline labelled with the project: `kind name owner-run`, sorted. */
async function objects(project: string): Promise<string[]> {
  const filters = { label: [`faultline.project=${project}`] };
  const [c, n, v] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters }), docker.listVolumes({ filters })]);
  const run = (l: Record<string, string> | null | undefined) => l?.['faultline.owner.run'] ?? '(none)';
  return [
    ...c.map((x) => `container ${x.Names[0].replace(/^\//, '')} ${run(x.Labels)}`),
    ...n.map((x) => `network ${x.Name} ${run(x.Labels)}`),
    ...(v.Volumes ?? []).map((x) => `volume ${x.Name} ${run(x.Labels)}`),
  ].sort();
}

async function failure(p: Promise<unknown>): Promise<FaultlineError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof FaultlineError)) throw new Error(`expected a FaultlineError, got ${String(err)}`);
  return err;
}

afterAll(async () => {
  for (const p of projects) await stackDown(docker, p);
});

describe('stack activities', () => {
  test('every container, network and volume stack up creates carries the owner labels', async () => {
    const project = newProject();
    const a = owner('a');
    await stackUp(docker, { project, stack: spec(), owner: a });
    const info = await docker.getContainer(`${project}-base-1`).inspect();
    expect(info.Config.Labels).toMatchObject({ 'faultline.owner.workflow': a.workflowId, 'faultline.owner.run': a.runId });
    expect(await objects(project)).toEqual([`container ${project}-base-1 ${a.runId}`, `network ${project}_default ${a.runId}`, `volume ${project}_data ${a.runId}`]);
    // The same run again (a retried activity, a continue-as-new) is still the owner.
    await stackUp(docker, { project, stack: spec(), owner: a });
    expect((await docker.getContainer(`${project}-base-1`).inspect()).Id).toBe(info.Id);
  }, 120_000);

  test("another run is refused on the owner's project, and nothing is created or changed", async () => {
    const project = newProject();
    const a = owner('a');
    await stackUp(docker, { project, stack: spec(), owner: a });
    const before = await objects(project);
    const err = await failure(stackUp(docker, { project, stack: spec({ profiles: ['extra'] }), owner: owner('b') }));
    expect(err.code).toBe('StackOwnedByAnotherRun');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`workflow ${a.workflowId} (run ${a.runId})`);
    expect(err.hint).toContain('stack.share: true');
    expect(await objects(project)).toEqual(before);
  }, 120_000);

  test('share: true runs on it; its teardown removes only what it added, the owner\'s stack stays up', async () => {
    const project = newProject();
    const a = owner('a');
    const b = owner('b');
    await stackUp(docker, { project, stack: spec(), owner: a });
    const baseId = (await docker.getContainer(`${project}-base-1`).inspect()).Id;
    // b shares and adds the profiled service: that container is b's.
    await stackUp(docker, { project, stack: spec({ profiles: ['extra'], share: true }), owner: b });
    expect(await objects(project)).toContain(`container ${project}-extra-1 ${b.runId}`);

    const down = await stackDown(docker, project, b);
    expect(down.removed).toEqual([`${project}-extra-1`]);
    expect(down.left).toEqual([`${project}-base-1`, `${project}_data`, `${project}_default`]);
    const base = await docker.getContainer(`${project}-base-1`).inspect();
    expect(base.Id).toBe(baseId);
    expect(base.State.Running).toBe(true);
    expect(await objects(project)).toEqual([`container ${project}-base-1 ${a.runId}`, `network ${project}_default ${a.runId}`, `volume ${project}_data ${a.runId}`]);

    // The owner's teardown removes the rest.
    expect((await stackDown(docker, project, a)).removed).toEqual([`${project}-base-1`, `${project}_data`, `${project}_default`]);
    expect(await objects(project)).toEqual([]);
  }, 120_000);

  test('negative control: a teardown with no owner (runs recorded before owners) removes everything, as before', async () => {
    const project = newProject();
    await stackUp(docker, { project, stack: spec(), owner: owner('a') });
    expect((await stackDown(docker, project)).removed).toHaveLength(3);
    expect(await objects(project)).toEqual([]);
  }, 120_000);

  test('a compose project of that name started outside Faultline is refused, and left as it is', async () => {
    const outside = await startOutsideStack(docker, newProject(), await freePort());
    try {
      const err = await failure(stackUp(docker, { project: outside.project, stack: spec(), owner: owner('a') }));
      expect(err.code).toBe('StackConflict');
      expect(err.hint).toContain(`attach: { project: ${outside.project} }`);
      expect(await objects(outside.project)).toEqual([]);
      const running = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${outside.project}`] } });
      expect(running).toHaveLength(2);
    } finally {
      await outside.down();
    }
  }, 180_000);
});

describe('through the experiment workflow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-owner-'));
  const taskQueue = `fl-owner-${randomBytes(4).toString('hex')}`;
  let t: TestTemporal;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    installRuntime('ERROR');
    t = await startTestTemporal();
    worker = await createWorker({
      connection: t.native,
      namespace: 'default',
      taskQueue,
      artifactsRoot: dir,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') }),
      policy: DEFAULT_POLICY,
    });
    running = worker.run();
  }, 180_000);

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await t?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (stack: ExperimentInput['stack']): Promise<Journal> =>
    t.client.workflow.execute('experiment', {
      taskQueue,
      workflowId: `${taskQueue}-${randomBytes(3).toString('hex')}`,
      args: [
        {
          name: 'owner-test',
          hypothesis: 'a run only takes down what it owns',
          stack,
          method: [{ fault: { kind: 'container-pause', target: { service: 'base' } }, duration: '500ms' }],
        } satisfies ExperimentInput,
      ],
    }) as Promise<Journal>;

  test("a second run on a kept stack's project is refused and its teardown leaves the stack; share: true runs and leaves it too", async () => {
    const project = newProject();
    const first = await run({ compose: OWNED, project, keep: true });
    expect(first.outcome).toBe('passed');
    const d = await t.client.workflow.getHandle(first.workflowId).describe();
    const owned = await objects(project);
    expect(owned).toEqual([`container ${project}-base-1 ${d.runId}`, `network ${project}_default ${d.runId}`, `volume ${project}_data ${d.runId}`]);

    const refused = await run({ compose: OWNED, project });
    expect(refused.outcome).toBe('error');
    expect(refused.reasons.join('\n')).toContain(`belongs to workflow ${first.workflowId}`);
    // It tore down (not kept), but only what it owns: nothing. The first run's stack is untouched.
    expect(await objects(project)).toEqual(owned);
    expect((await docker.getContainer(`${project}-base-1`).inspect()).State.Running).toBe(true);

    const shared = await run({ compose: OWNED, project, share: true });
    expect(shared.outcome).toBe('passed');
    expect(shared.faults[0]).toMatchObject({ targets: [`${project}-base-1`], restore: 'restored' });
    expect(shared.residue).toEqual([]);
    expect(await objects(project)).toEqual(owned);
    expect((await docker.getContainer(`${project}-base-1`).inspect()).State).toMatchObject({ Running: true, Paused: false });
  }, 240_000);
});
