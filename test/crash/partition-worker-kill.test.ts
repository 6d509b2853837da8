/**
 * SIGKILL the worker while a network partition is active. Once another worker is up, the run's
 * restore phase removes the partition's iptables rules (checked in the target's namespace and with
 * real traffic), the journal shows no residue, and tearing the stack down leaves no container or
 * network of the run. Real Temporal dev server, real Docker, real worker processes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { createNetOps } from '../../src/activities/net/ops';
import { taggedRulesInProject } from '../helpers/net-residue';
import { stackDown } from '../../src/activities/stack';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { TASK_QUEUE } from '../../src/temporal/search-attributes';
import { statusQuery } from '../../src/workflows/messages';
import { NetLab } from '../helpers/net-lab';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { type WorkerProcess, WorkerPool } from '../helpers/worker-process';
import { until } from '../helpers/until';

const COMPOSE = join(__dirname, '..', '..', 'infra', 'docker', 'docker-compose.chaos.yml');
const docker = new Docker();
const ops = createContainerOps(docker);
const net = createNetOps(docker);
const project = `fl4-crash-${randomBytes(3).toString('hex')}`;
const cancelled = `fl4-cancel-${randomBytes(3).toString('hex')}`;
const lab = new NetLab(project);
let t: TestTemporal;
let artifacts: string;
const workers = new WorkerPool(() => artifacts);

beforeAll(async () => {
  t = await startTestTemporal();
  artifacts = mkdtempSync(join(tmpdir(), 'fl4-crash-'));
});

afterAll(async () => {
  await workers.killAll();
  await stackDown(docker, project);
  await stackDown(docker, cancelled);
  await t?.teardown();
  rmSync(artifacts, { recursive: true, force: true });
});

const worker = (name: string): Promise<WorkerProcess> => workers.spawn(t.address, name);


/** Whether nats-2 can open a route connection to nats-1 (port 6222) on the stack network. */
async function routeOpen(p = project): Promise<boolean> {
  const ip = Object.values((await net.info(`${p}-nats-1-1`))?.addresses ?? {})[0];
  return (await lab.exec(`${p}-nats-2-1`, ['nc', '-z', '-w', '1', ip, '6222'])) === 0;
}

function experiment(p: string, method: ExperimentInput['method']): ExperimentInput {
  return {
    name: 'partition-crash',
    hypothesis: 'a partition is healed even when the worker that made it is SIGKILLed',
    stack: { compose: COMPOSE, profiles: ['chaos-nats'], project: p, keep: true },
    probes: { roundtrip: { kind: 'nats', service: 'nats-1', port: 4222, timeout: '1s' } },
    steadyState: [{ probe: 'roundtrip' }],
    method,
    checks: [{ kind: 'time-to-green', probe: 'roundtrip', within: '30s' }],
  };
}

const partition = { kind: 'network-partition' as const, target: { service: 'nats-1' }, peers: ['nats-2', 'nats-3'] };

test('SIGKILL while a partition is active: a new worker removes its rules and nothing of the run is left', async () => {
  const exp = experiment(project, [{ fault: partition, duration: '15s' }]);
  const first = await worker('fl4-crash-1');
  const handle = await t.client.workflow.start('experiment', { taskQueue: TASK_QUEUE, workflowId: `fl4-crash-${randomBytes(4).toString('hex')}`, args: [exp] });
  await until('the partition to be active', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  const during = await taggedRulesInProject(ops, net, project);
  expect(during).toHaveLength(4); // two peers, both directions
  expect(during.every((r) => r.startsWith(`${project}-nats-1-1: `))).toBe(true);
  expect(await routeOpen()).toBe(false);

  await first.kill('SIGKILL');
  await worker('fl4-crash-2');
  const journal = (await handle.result()) as Journal;

  expect(journal.faults).toHaveLength(1);
  expect(journal.faults[0]).toMatchObject({ kind: 'network-partition', restore: 'restored' });
  expect(journal.residue).toEqual([]);
  expect(journal.outcome).toBe('passed');
  expect(await taggedRulesInProject(ops, net, project)).toEqual([]);
  expect(await routeOpen()).toBe(true);

  await stackDown(docker, project);
  expect(await docker.listContainers({ all: true, filters: { label: [`faultline.project=${project}`] } })).toEqual([]);
  expect((await docker.listNetworks()).filter((n) => n.Name.startsWith(project))).toEqual([]);
});

test('cancelling the run while the partition holds restores it (the restore phase is not cancellable)', async () => {
  const handle = await t.client.workflow.start('experiment', {
    taskQueue: TASK_QUEUE,
    workflowId: `fl4-cancel-${randomBytes(4).toString('hex')}`,
    args: [experiment(cancelled, [{ fault: partition }, { wait: '5m' }])],
  });
  await until('the partition to be active', async () => (await handle.query(statusQuery)).activeFaults.length > 0);
  expect(await taggedRulesInProject(ops, net, cancelled)).toHaveLength(4);
  await handle.cancel();
  const journal = (await handle.result()) as Journal;
  expect(journal.outcome).toBe('aborted');
  expect(journal.faults[0].restore).toBe('restored');
  expect(journal.residue).toEqual([]);
  expect(await taggedRulesInProject(ops, net, cancelled)).toEqual([]);
  expect(await routeOpen(cancelled)).toBe(true);
});
