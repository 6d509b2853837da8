/** Target selection: pure, driven by the given random, so the workflow replays the same picks. */
import { FaultlineError } from '../../../src/errors';
import { selectTargets, selectionSize } from '../../../src/spec/select';

const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id${i}`, name: `p-nats-${i + 1}` }));

/** A deterministic sequence of random numbers, like the workflow's seeded Math.random. */
function seq(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('selectTargets', () => {
  it('all returns every candidate in order without drawing a random number', () => {
    const random = jest.fn(() => 0.5);
    expect(selectTargets(refs(3), 'all', random).map((r) => r.name)).toEqual(['p-nats-1', 'p-nats-2', 'p-nats-3']);
    expect(random).not.toHaveBeenCalled();
  });

  it('one picks by the random number', () => {
    expect(selectTargets(refs(3), 'one', seq(0)).map((r) => r.name)).toEqual(['p-nats-1']);
    expect(selectTargets(refs(3), 'one', seq(0.99)).map((r) => r.name)).toEqual(['p-nats-3']);
    expect(selectTargets(refs(3), 'one', seq(0.5)).map((r) => r.name)).toEqual(['p-nats-2']);
  });

  it('a random() that returns 1 does not index past the end', () => {
    expect(selectTargets(refs(3), 'one', seq(1))).toHaveLength(1);
  });

  it('count picks distinct containers and keeps the candidates order', () => {
    const picked = selectTargets(refs(5), { count: 3 }, seq(0.9, 0.9, 0.9)).map((r) => r.name);
    expect(new Set(picked).size).toBe(3);
    expect(picked).toEqual([...picked].sort());
  });

  it('the same random sequence gives the same picks (replay)', () => {
    const a = selectTargets(refs(10), { count: 4 }, seq(0.1, 0.7, 0.3, 0.9));
    const b = selectTargets(refs(10), { count: 4 }, seq(0.1, 0.7, 0.3, 0.9));
    expect(a).toEqual(b);
  });

  it('percent rounds up and takes at least one', () => {
    expect(selectionSize({ percent: 50 }, 3)).toBe(2);
    expect(selectionSize({ percent: 1 }, 3)).toBe(1);
    expect(selectionSize({ percent: 100 }, 3)).toBe(3);
    expect(selectTargets(refs(4), { percent: 30 }, seq(0.2, 0.8))).toHaveLength(2);
  });

  it('count larger than the matches is an error naming the target and the matches', () => {
    let err: unknown;
    try {
      selectTargets(refs(2), { count: 3 }, Math.random, 'service nats');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FaultlineError);
    expect((err as FaultlineError).code).toBe('TargetNotFound');
    expect((err as FaultlineError).retryable).toBe(false);
    expect((err as FaultlineError).message).toBe('service nats: mode count 3 needs 3 containers but only 2 match (p-nats-1, p-nats-2)');
  });

  it('no candidates is an error', () => {
    expect(() => selectTargets([], 'one', Math.random, 'service nats')).toThrow('service nats: no container to select from');
  });
});
