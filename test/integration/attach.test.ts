/**
 * stack.attach against a stack someone started themselves with Debian's docker-compose (v1), outside
 * Faultline: the real `experiment` workflow on a real Temporal dev server and a real worker pauses,
 * kills and partitions its services, restores them, and leaves the stack exactly as it found it:
 * the same containers (same ids), all running, its network still there, no residue, no label added.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import Docker from 'dockerode';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { attachStack } from '../../src/activities/stack';
import { resolveTargets } from '../../src/activities/targets';
import { DEFAULT_POLICY, withChaosEnabled } from '../../src/activities/policy';
import { FaultlineError } from '../../src/errors';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { createWorker } from '../../src/worker/create';
import { installRuntime } from '../../src/worker/runtime';
import { type OutsideStack, projectState, startOutsideStack } from '../helpers/compose-v1';
import { exec } from '../helpers/exec';
import { freePort } from '../helpers/net';
import { repoPath } from '../helpers/paths';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';
import { statusQuery } from '../../src/workflows/messages';
import type { JanitorReport } from '../../src/workflows/janitor';

const docker = new Docker();
const ops = createContainerOps(docker);
const dir = mkdtempSync(join(tmpdir(), 'fl-attach-'));
const taskQueue = `fl-attach-${randomBytes(4).toString('hex')}`;
let t: TestTemporal;
let worker: Worker;
let running: Promise<void>;
let stack: OutsideStack;

beforeAll(async () => {
  installRuntime('ERROR');
  stack = await startOutsideStack(docker, `flattach-${randomBytes(3).toString('hex')}`, await freePort());
  t = await startTestTemporal();
  worker = await createWorker({
    connection: t.native,
    namespace: 'default',
    taskQueue,
    artifactsRoot: dir,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') }),
    // Faults on containers Faultline did not start need chaos enabled by the worker's operator.
    policy: withChaosEnabled(DEFAULT_POLICY),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  // A failed run of this file may leave its own helpers (reverters, leases): remove those, and only those.
  for (const c of await docker.listContainers({ all: true, filters: { label: ['faultline.run'] } })) {
    if (c.Labels['faultline.run']?.startsWith(taskQueue)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  worker?.shutdown();
  await running?.catch(() => undefined);
  await stack?.down();
  await t?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const run = (exp: ExperimentInput): Promise<Journal> =>
  t.client.workflow.execute('experiment', { taskQueue, workflowId: `${taskQueue}-${randomBytes(3).toString('hex')}`, args: [exp] }) as Promise<Journal>;

async function failure(p: Promise<unknown>): Promise<FaultlineError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof FaultlineError)) throw new Error(`expected a FaultlineError, got ${String(err)}`);
  return err;
}

test('the stack was started outside Faultline (docker-compose v1, or its labels when missing)', async () => {
  // Reported so a run without docker-compose says it fell back to compose-labelled containers.
  console.log(`attach stack ${stack.project} started with ${stack.how}`);
  const state = await projectState(docker, stack.project);
  expect(state.map((c) => c.name)).toEqual([`${stack.project}_nats_1`, `${stack.project}_worker_1`]);
  for (const c of state) expect((await docker.getContainer(c.id).inspect()).Config.Labels['faultline.project']).toBeUndefined();
});

test('attachStack reads the published ports and services; targets resolve by compose service, not owned', async () => {
  const handle = await attachStack(docker, stack.project);
  expect(handle).toEqual({ project: stack.project, ports: { 'nats:4222': stack.natsPort }, services: ['nats', 'worker'], attached: true });
  const nats = await resolveTargets(ops, { project: stack.project, target: { service: 'nats', mode: 'all' } });
  expect(nats).toEqual([expect.objectContaining({ name: `${stack.project}_nats_1`, service: 'nats', owned: false })]);
  // compose v1 names containers <project>_<service>_1: the short name works as for Faultline's stacks.
  const byName = await resolveTargets(ops, { project: stack.project, target: { container: 'worker_1', mode: 'all' } });
  expect(byName.map((c) => c.name)).toEqual([`${stack.project}_worker_1`]);
  const byLabel = await resolveTargets(ops, { project: stack.project, target: { labels: { 'com.docker.compose.service': 'worker' }, mode: 'all' } });
  expect(byLabel.map((c) => c.name)).toEqual([`${stack.project}_worker_1`]);
  // Negative control: a service the project does not have is not found.
  expect((await failure(resolveTargets(ops, { project: stack.project, target: { service: 'nope', mode: 'all' } }))).code).toBe('TargetNotFound');
});

test('an experiment attaches, pauses, kills and partitions its services, restores them, and leaves the stack up', async () => {
  const before = await projectState(docker, stack.project);
  const networks = (await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${stack.project}`] } })).map((n) => n.Id).sort();
  expect(networks).toHaveLength(1);

  const journal = await run({
    name: 'attach-outside-stack',
    hypothesis: 'NATS answers again once its faults are restored',
    stack: { attach: { project: stack.project } },
    probes: { nats: { kind: 'tcp', service: 'nats', port: 4222, timeout: '1s' } },
    steadyState: [{ probe: 'nats' }],
    method: [
      { fault: { kind: 'container-pause', target: { service: 'nats' } }, duration: '2s' },
      { fault: { kind: 'container-kill', target: { service: 'worker' } }, duration: '1s' },
      { fault: { kind: 'network-partition', target: { service: 'worker' }, peers: ['nats'] }, duration: '1s' },
    ],
    checks: [{ kind: 'time-to-green', probe: 'nats', within: '30s' }],
  });

  expect(journal.reasons).toEqual([]);
  expect(journal.outcome).toBe('passed');
  expect(journal.project).toBe(stack.project);
  expect(journal.faults.map((f) => [f.kind, f.targets, f.restore])).toEqual([
    ['container-pause', [`${stack.project}_nats_1`], 'restored'],
    ['container-kill', [`${stack.project}_worker_1`], 'restored'],
    ['network-partition', [`${stack.project}_worker_1`], 'restored'],
  ]);
  expect(journal.residue).toEqual([]);
  // The same containers, all running, none paused; the network still there; no Faultline label added.
  const after = await projectState(docker, stack.project);
  expect(after.map(({ name, id }) => ({ name, id }))).toEqual(before.map(({ name, id }) => ({ name, id })));
  for (const c of after) expect(c).toMatchObject({ state: 'running', paused: false });
  const still = (await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${stack.project}`] } })).map((n) => n.Id).sort();
  expect(still).toEqual(networks);
  for (const c of after) {
    const labels = (await docker.getContainer(c.id).inspect()).Config.Labels;
    expect(Object.keys(labels).filter((k) => k.startsWith('faultline.') && k !== 'faultline.inputs')).toEqual([]);
  }
  // Nothing of the run is left anywhere on the engine (reverters, leases, helpers).
  expect(await docker.listContainers({ all: true, filters: { label: [`faultline.run=${journal.workflowId}`] } })).toEqual([]);
}, 180_000);

test('a run terminated while an attached service is paused: the janitor restores it from its reverter record', async () => {
  const workflowId = `${taskQueue}-term-${randomBytes(3).toString('hex')}`;
  const handle = await t.client.workflow.start('experiment', {
    taskQueue,
    workflowId,
    args: [
      {
        name: 'attach-terminated',
        hypothesis: 'the janitor restores what a terminated run left on an attached stack',
        stack: { attach: { project: stack.project } },
        method: [{ fault: { kind: 'container-pause', target: { service: 'nats' } }, duration: '5m' }],
      } satisfies ExperimentInput,
    ],
  });
  const nats = `${stack.project}_nats_1`;
  await until('the fault to be active', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  expect((await docker.getContainer(nats).inspect()).State.Paused).toBe(true);
  // Terminate skips the restore phase by design: only the janitor (or the TTL) can undo it now.
  await handle.terminate('test: skip the restore phase');
  expect((await docker.getContainer(nats).inspect()).State.Paused).toBe(true);

  const report = (await until('the janitor to find the terminated run', async () => {
    const r = (await t.client.workflow.execute('janitor', { taskQueue, workflowId: `${workflowId}-janitor-${randomBytes(2).toString('hex')}`, args: [{}] })) as JanitorReport;
    return r.runs.some((x) => x.workflowId === workflowId) ? r : undefined;
  }, { timeoutMs: 60_000, everyMs: 1000 }));
  const mine = report.runs.find((x) => x.workflowId === workflowId);
  expect(mine).toMatchObject({ restored: [`${workflowId}/method[0]`], failed: [] });
  expect(mine?.skipped ?? []).toEqual([]);
  expect((await docker.getContainer(nats).inspect()).State).toMatchObject({ Running: true, Paused: false });
  expect(await docker.listContainers({ all: true, filters: { label: [`faultline.run=${workflowId}`] } })).toEqual([]);
}, 180_000);

test('faultline plan and validate accept an attached stack and plan lists its containers now', async () => {
  const file = join(dir, 'attach.yaml');
  writeFileSync(
    file,
    [
      'name: attach-plan',
      'hypothesis: the plan shows what is running',
      'stack:',
      `  attach: { project: ${stack.project} }`,
      'method:',
      '  - fault: { kind: container-pause, target: { service: nats } }',
      '    duration: 1s',
      '',
    ].join('\n'),
  );
  const cli = repoPath('bin', 'faultline.js');
  const validate = await exec(process.execPath, [cli, 'validate', file]);
  expect(validate.code).toBe(0);
  const plan = await exec(process.execPath, [cli, 'plan', file]);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain(`attach    compose project ${stack.project}`);
  expect(plan.stdout).toContain(`${stack.project}_nats_1  service nats  running`);
  expect(plan.stdout).toContain('teardown  never');
  // Negative control: attach and compose together are refused with the path, exit 64.
  writeFileSync(file, ['name: both', 'hypothesis: h', 'stack:', '  compose: x.yml', `  attach: { project: ${stack.project} }`, 'method:', '  - wait: 1s', ''].join('\n'));
  const both = await exec(process.execPath, [cli, 'validate', file]);
  expect(both.code).toBe(64);
  expect(both.stderr + both.stdout).toContain('stack.attach');
}, 120_000);

test('guardrail: without chaos enabled at the worker, a fault on the attached stack is refused and nothing is touched', async () => {
  const queue = `${taskQueue}-off`;
  const strict = await createWorker({
    connection: t.native,
    namespace: 'default',
    taskQueue: queue,
    artifactsRoot: dir,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') }),
    policy: DEFAULT_POLICY,
  });
  const strictRun = strict.run();
  try {
    const before = await projectState(docker, stack.project);
    const journal = (await t.client.workflow.execute('experiment', {
      taskQueue: queue,
      workflowId: `${queue}-${randomBytes(3).toString('hex')}`,
      args: [{ name: 'attach-no-chaos', hypothesis: 'refused', stack: { attach: { project: stack.project } }, method: [{ fault: { kind: 'container-pause', target: { service: 'nats' } }, duration: '1s' }] }],
    })) as Journal;
    expect(journal.outcome).toBe('error');
    expect(journal.reasons.join('\n')).toContain('chaos is not enabled');
    expect(journal.faults.filter((f) => f.injectedAt !== undefined)).toEqual([]);
    // Same containers, same state: nothing paused, restarted or labelled.
    expect(await projectState(docker, stack.project)).toEqual(before);
    for (const c of before) expect((await docker.getContainer(c.id).inspect()).State.Paused).toBe(false);
  } finally {
    strict.shutdown();
    await strictRun.catch(() => undefined);
  }
});

test('attaching to a project that is not running, or does not exist, is refused clearly', async () => {
  expect((await failure(attachStack(docker, `${stack.project}-nope`))).code).toBe('StackNotFound');
  await exec('docker', ['stop', '-t', '1', `${stack.project}_worker_1`, `${stack.project}_nats_1`]);
  const err = await failure(attachStack(docker, stack.project));
  expect(err.code).toBe('StackNotRunning');
  expect(err.retryable).toBe(false);
  expect(err.message).toContain(`${stack.project}_nats_1 exited`);
  // And through the workflow: the run errors, and still touches nothing (both stay stopped, none removed).
  const journal = await run({
    name: 'attach-stopped',
    hypothesis: 'an attach to a stopped stack is refused',
    stack: { attach: { project: stack.project } },
    method: [{ fault: { kind: 'container-pause', target: { service: 'nats' } }, duration: '1s' }],
  });
  expect(journal.outcome).toBe('error');
  expect(journal.reasons.join('\n')).toContain('has no running container');
  expect((await projectState(docker, stack.project)).map((c) => c.state)).toEqual(['exited', 'exited']);
}, 120_000);
