/**
 * Records the workflow histories that test/workflows/replay.test.ts replays. Run it on purpose, and
 * only when a change to the workflows is meant to alter the commands they issue (and is guarded by
 * patching for runs in flight): `npm run histories:record`. Each run below covers one path through
 * the experiment, chain or janitor workflow, on a real dev server with the fake activity world.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporalCliPath } from '../../src/temporal/config';
import type { ExperimentInput } from '../../src/spec';
import { abortSignal, extendUpdate, pauseSignal, resumeSignal } from '../../src/workflows/messages';
import { FakeWorld } from './fake-world';
import { type DevHarness, baseSpec, runWorkflow, startHarness, waitStatus } from './harness';

const OUT = join(__dirname, 'histories');
let h: DevHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.t.teardown());

const index: Record<string, { workflowId: string; type: string }> = {};

async function record(name: string, world: FakeWorld, type: string, args: unknown[], during?: (id: string) => Promise<void>): Promise<void> {
  let id = '';
  await runWorkflow(h, world, type, args, async (wid) => {
    id = wid;
    if (during) await during(wid);
  }).catch(() => undefined);
  // The CLI's JSON export is the format historyFromJSON reads, and what a user would attach to a bug.
  const json = execFileSync(temporalCliPath(), ['workflow', 'show', '-w', id, '-o', 'json', '--address', h.t.address], { encoding: 'utf8' });
  writeFileSync(join(OUT, `${name}.json`), json);
  index[name] = { workflowId: id, type };
}

const pause = (duration: string) => ({ fault: { kind: 'container-pause' as const, target: { service: 'a' } }, duration });
const ttg = { kind: 'time-to-green' as const, probe: 'up', within: '10s' };

test('record histories', async () => {
  await record('experiment-clean', new FakeWorld(['a']), 'experiment', [baseSpec({ checks: [ttg] })]);
  await record('experiment-steps', new FakeWorld(['a', 'b']), 'experiment', [
    baseSpec({
      continuous: [{ probe: 'up', every: '300ms' }],
      method: [
        { wait: '200ms' },
        { probe: 'up' },
        { parallel: [pause('500ms'), { fault: { kind: 'container-stop', target: { service: 'b' } }, duration: '400ms' }] },
        { serial: [{ fault: { kind: 'container-kill', target: { service: 'a' } } }, { wait: '200ms' }] },
      ],
      rollbacks: [{ action: 'container-start', target: { service: 'b' } }],
      checks: [ttg],
    }),
  ]);
  const half = new FakeWorld(['a']);
  half.failInjectAfterApply = true;
  await record('experiment-half-inject', half, 'experiment', [baseSpec({ checks: [ttg] })]);
  const dirty = new FakeWorld(['a']);
  dirty.failRestore = true;
  await record('experiment-restore-fails', dirty, 'experiment', [baseSpec()]);
  const residue = new FakeWorld(['a']);
  residue.reportResidue = true;
  residue.leftoverHelpers = ['fl-reverter-x: left behind'];
  await record('experiment-residue', residue, 'experiment', [baseSpec()]);
  const deviated = new FakeWorld(['a']);
  deviated.probeOk = false;
  await record('experiment-steady-state-fails', deviated, 'experiment', [baseSpec({ checks: [ttg] })]);
  await record('experiment-invalid-input', new FakeWorld(['a']), 'experiment', [{ name: 'Bad Name' }]);

  const aborted = new FakeWorld(['a']);
  await record('experiment-abort', aborted, 'experiment', [baseSpec({ method: [pause('5m')] })], async (id) => {
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    await h.t.client.workflow.getHandle(id).signal(abortSignal, 'game day over');
  });
  const stop = new FakeWorld(['a']);
  await record(
    'experiment-stop-condition',
    stop,
    'experiment',
    [baseSpec({ continuous: [{ probe: 'up', every: '200ms', abortOnFail: true, failuresToAbort: 2 }], method: [pause('10m')] })],
    async (id) => {
      await waitStatus(h, id, (s) => s.activeFaults.length === 1);
      stop.probeOk = false;
    },
  );
  await record('experiment-controls', new FakeWorld(['a']), 'experiment', [baseSpec({ method: [pause('3s'), { wait: '1s' }] })], async (id) => {
    const handle = h.t.client.workflow.getHandle(id);
    await waitStatus(h, id, (s) => s.activeFaults.length === 1);
    await handle.signal(pauseSignal, 'look');
    await new Promise((r) => setTimeout(r, 500));
    await handle.signal(resumeSignal);
    await handle.executeUpdate(extendUpdate, { args: ['1s'] });
  });
  const leased = new FakeWorld(['a']);
  leased.leases.set('a', 'someone-else');
  await record('experiment-lease-busy', leased, 'experiment', [baseSpec({ safety: { lease: { onBusy: 'fail' } } } as Partial<ExperimentInput>)]);
  const picked = new FakeWorld(['a', 'b']);
  picked.leader = 'b';
  await record('experiment-target-by-probe', picked, 'experiment', [
    baseSpec({
      probes: { up: { kind: 'tcp', service: 'a', port: 1 }, js: { kind: 'jetstream', service: 'a', monitorPort: 8222 } },
      method: [{ fault: { kind: 'container-kill', target: { fromProbe: { probe: 'js', select: 'metaLeader' } } }, duration: '300ms' }],
    } as Partial<ExperimentInput>),
  ]);
  const gate = new FakeWorld(['opa', 'gateway']);
  await record('experiment-workloads', gate, 'experiment', [
    {
      name: 'wf-workloads',
      hypothesis: 'the gateway fails closed while its policy engine is down',
      stack: { compose: '/nonexistent/compose.yml' },
      probes: { up: { kind: 'tcp', service: 'opa', port: 1 } },
      workloads: [{ id: 'api', kind: 'http-load', rate: '50/s', service: 'gateway', port: 8080, decisionField: 'decision' }],
      steadyState: [{ probe: 'up' }],
      method: [{ wait: '500ms' }, { fault: { kind: 'container-kill', target: { service: 'opa' } }, duration: '500ms' }, { wait: '500ms' }],
      checks: [
        { kind: 'time-to-green', probe: 'up', within: '10s' },
        { id: 'closed', kind: 'fail-closed', workload: 'api' },
        { id: 'after', kind: 'success-rate', workload: 'api', min: 0.5, window: 'after', for: '1s' },
        { id: 'drain', kind: 'drained', probe: 'up', expect: { eq: true }, within: '5s' },
      ],
    },
  ]);
  const exp = (name: string, service: string): ExperimentInput =>
    baseSpec({ name, steadyState: [], probes: {}, method: [{ fault: { kind: 'container-pause', target: { service } }, duration: '300ms' }] });
  await record('chain-serial-parallel', new FakeWorld(['a', 'b']), 'chain', [
    {
      name: 'mixed',
      sharedStack: { compose: '/nonexistent/compose.yml' },
      steps: [
        { experiment: exp('one', 'a') },
        { wait: '200ms' },
        { parallel: [{ experiment: exp('two', 'b') }, { fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '300ms' }] },
      ],
    },
  ]);
  const failing = new FakeWorld(['a', 'b']);
  failing.probeOk = false;
  await record('chain-stops', failing, 'chain', [
    {
      name: 'stops',
      steps: [
        { experiment: baseSpec({ name: 'bad' }) },
        { experiment: exp('after', 'b') },
      ],
    },
  ]);
  await record('janitor-empty', new FakeWorld([]), 'janitor', [{}]);
  writeFileSync(join(OUT, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  expect(Object.keys(index).length).toBeGreaterThan(10);
});
