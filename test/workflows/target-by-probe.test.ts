/**
 * A fault target chosen by a probe, in the real `experiment` workflow on a real dev server (fake
 * activity world): the probe is asked at inject time, its answer is the target, and the choice is
 * in the journal; a probe that names nothing injects nothing.
 */
import { randomBytes } from 'node:crypto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { installRuntime } from '../../src/worker/runtime';
import { type TestTemporal, startTestTemporal } from '../helpers/temporal';
import { FakeWorld } from './fake-world';

let t: TestTemporal;
let bundle: WorkflowBundleWithSourceMap;
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

beforeAll(async () => {
  installRuntime('ERROR');
  t = await startTestTemporal();
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });
});
afterAll(async () => t?.teardown());

const experiment: ExperimentInput = {
  name: 'leader-kill-wf',
  hypothesis: 'the leader is the one killed',
  stack: { compose: '/nonexistent/compose.yml' },
  probes: { meta: { kind: 'jetstream', service: 'a' } },
  method: [{ id: 'kill-leader', fault: { kind: 'container-kill', target: { fromProbe: { probe: 'meta', select: '$.metaLeader' } } } }],
};

async function run(world: FakeWorld): Promise<Journal> {
  const taskQueue = `fl4b-wf-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({ connection: t.native, taskQueue, workflowBundle: bundle, activities: world.activities() });
  return worker.runUntil(async () => {
    const handle = await t.client.workflow.start('experiment', { taskQueue, workflowId: taskQueue, args: [experiment] });
    return (await handle.result()) as Journal;
  });
}

test('the container the probe names is the one faulted, and the journal says why', async () => {
  for (const leader of ['b', 'c']) {
    const world = new FakeWorld(['a', 'b', 'c']);
    world.leader = leader;
    const journal = await run(world);
    expect(journal.outcome).toBe('passed');
    expect(journal.faults).toHaveLength(1);
    expect(journal.faults[0]).toMatchObject({
      targets: [leader],
      candidates: [leader],
      chosenBy: { probe: 'meta', select: '$.metaLeader', value: leader, sample: { ok: true, value: { metaLeader: leader } } },
      restore: 'restored',
    });
    // Picked at inject time, in order: probe, then resolve the name, then lease it, then inject.
    const i = world.calls.indexOf('pick:meta');
    expect(world.calls.slice(i, i + 4)).toEqual(['pick:meta', `resolveTargets:${leader}`, 'acquireLease', 'inject:method[0]']);
    expect(world.clean()).toBe(true);
  }
});

test('a probe that names no target injects nothing and the run is an error', async () => {
  const world = new FakeWorld(['a', 'b', 'c']);
  const journal = await run(world);
  expect(journal.outcome).toBe('error');
  expect(journal.reasons.join('\n')).toContain('no meta leader');
  expect(journal.faults).toEqual([]);
  expect(world.calls.some((c) => c.startsWith('inject:'))).toBe(false);
});
