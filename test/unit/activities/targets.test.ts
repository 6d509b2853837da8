/** resolveTargets: every match of the selector within the project, sorted; none is a clear error. */
import { resolveTargets } from '../../../src/activities/targets';
import { FaultlineError } from '../../../src/errors';
import { Target } from '../../../src/spec/target';
import { FakeContainerOps } from '../fakes/container-ops';

function world() {
  const ops = new FakeContainerOps();
  ops.add('p1', 'nats', { name: 'p1-nats-2', labels: { role: 'replica' } });
  ops.add('p1', 'nats', { name: 'p1-nats-1', labels: { role: 'leader' } });
  ops.add('p1', 'postgres', { name: 'p1-postgres-1', running: false });
  ops.add('other', 'nats', { name: 'other-nats-1' });
  return ops;
}

const resolve = (ops: FakeContainerOps, target: unknown) => resolveTargets(ops, { project: 'p1', target: Target.parse(target) });

describe('resolveTargets', () => {
  it('by service: all matches of the project only, sorted by name', async () => {
    expect((await resolve(world(), { service: 'nats' })).map((c) => c.name)).toEqual(['p1-nats-1', 'p1-nats-2']);
  });

  it('includes stopped containers (a rollback may need to start them)', async () => {
    expect((await resolve(world(), { service: 'postgres' })).map((c) => c.name)).toEqual(['p1-postgres-1']);
  });

  it('by container name, full or without the project prefix', async () => {
    expect((await resolve(world(), { container: 'p1-nats-2' })).map((c) => c.name)).toEqual(['p1-nats-2']);
    expect((await resolve(world(), { container: 'nats-1' })).map((c) => c.name)).toEqual(['p1-nats-1']);
    await expect(resolve(world(), { container: 'other-nats-1' })).rejects.toMatchObject({ code: 'TargetNotFound' });
  });

  it('by labels', async () => {
    expect((await resolve(world(), { labels: { role: 'leader' } })).map((c) => c.name)).toEqual(['p1-nats-1']);
  });

  it('no match: non-retryable TargetNotFound naming the selector and the project services', async () => {
    const err = (await resolve(world(), { service: 'pg' }).catch((e: unknown) => e)) as FaultlineError;
    expect(err).toBeInstanceOf(FaultlineError);
    expect(err.code).toBe('TargetNotFound');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('service pg');
    expect(err.message).toContain('nats, postgres');
  });

  it('an empty project says so', async () => {
    const err = (await resolveTargets(new FakeContainerOps(), { project: 'nope', target: Target.parse({ service: 'x' }) }).catch(
      (e: unknown) => e,
    )) as FaultlineError;
    expect(err.message).toContain('project nope has no containers');
  });
});

describe('resolveTargets without a stack (scope engine)', () => {
  const onEngine = (ops: FakeContainerOps, target: unknown) => resolveTargets(ops, { project: 'fl-run', target: Target.parse(target), scope: 'engine' });

  it('by exact container name or by labels, across every project', async () => {
    expect((await onEngine(world(), { container: 'other-nats-1' })).map((c) => c.name)).toEqual(['other-nats-1']);
    expect((await onEngine(world(), { labels: { role: 'leader' } })).map((c) => c.name)).toEqual(['p1-nats-1']);
    // No prefix guessing without a project: a short name matches nothing.
    await expect(onEngine(world(), { container: 'nats-1' })).rejects.toMatchObject({ code: 'TargetNotFound' });
  });

  it('a service needs a stack; no labels never means every container', async () => {
    await expect(onEngine(world(), { service: 'nats' })).rejects.toMatchObject({ code: 'InvalidScenario' });
    const noLabels = resolveTargets(world(), { project: 'fl-run', target: { labels: {}, mode: 'all' } as unknown as Target, scope: 'engine' });
    await expect(noLabels).rejects.toMatchObject({ code: 'InvalidScenario' });
  });

  it('negative control: the same name within a project scope is not found there', async () => {
    await expect(resolve(world(), { container: 'other-nats-1' })).rejects.toMatchObject({ code: 'TargetNotFound' });
  });
});
