/** User rollbacks over the fake ContainerOps: idempotent start and unpause, restart, gone targets. */
import { runRollback } from '../../../src/activities/rollback';
import { FakeClock } from '../fakes/clock';
import { FakeContainerOps } from '../fakes/container-ops';

function world() {
  const ops = new FakeContainerOps();
  const a = ops.add('p1', 'nats', { name: 'p1-nats-1' });
  const b = ops.add('p1', 'nats', { name: 'p1-nats-2' });
  return { ops, a, b, deps: { ops, clock: new FakeClock() } };
}

describe('runRollback', () => {
  it('container-start starts stopped targets and leaves running ones; twice is harmless', async () => {
    const { ops, a, b, deps } = world();
    ops.get(a.id).running = false;
    const r = await runRollback(deps, { action: 'container-start', targets: [a, b] });
    expect(r.outcomes).toEqual([
      { container: 'p1-nats-1', outcome: 'restored', detail: 'started' },
      { container: 'p1-nats-2', outcome: 'already-clean' },
    ]);
    expect((await runRollback(deps, { action: 'container-start', targets: [a, b] })).outcomes.map((o) => o.outcome)).toEqual([
      'already-clean',
      'already-clean',
    ]);
  });

  it('container-unpause unpauses paused targets only', async () => {
    const { ops, a, b, deps } = world();
    ops.get(b.id).paused = true;
    const r = await runRollback(deps, { action: 'container-unpause', targets: [a, b] });
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['already-clean', 'restored']);
    expect(ops.get(b.id).paused).toBe(false);
  });

  it('container-restart restarts, even a stopped target, and reports gone ones', async () => {
    const { ops, a, b, deps } = world();
    ops.get(a.id).running = false;
    ops.remove(b.id);
    const r = await runRollback(deps, { action: 'container-restart', targets: [a, b] });
    expect(r.outcomes).toEqual([
      { container: 'p1-nats-1', outcome: 'restored', detail: 'restarted' },
      { container: 'p1-nats-2', outcome: 'gone' },
    ]);
    expect(ops.get(a.id).running).toBe(true);
  });

  it('a failing target fails the rollback (retryable) after the others were done', async () => {
    const { ops, a, b, deps } = world();
    ops.get(a.id).running = false;
    ops.get(b.id).running = false;
    ops.failNext('start', 'p1-nats-2');
    await expect(runRollback(deps, { action: 'container-start', targets: [a, b] })).rejects.toMatchObject({
      code: 'RollbackFailed',
      retryable: true,
      message: expect.stringContaining('p1-nats-2'),
    });
    expect(ops.get(a.id).running).toBe(true);
  });
});
