/**
 * The fault lifecycle's order, pinned with fakes for every port: a reverter is armed before the
 * target is touched, disarmed only after a restore succeeded, and a re-arm renews the lease before
 * it moves the switch; and what each failing step leaves behind. The lifecycle itself is real. The
 * order checks run once more against a lifecycle wired in the wrong order, which they must reject.
 */
import { type FaultLifecycle, type LifecyclePorts, createFaultLifecycle, runOfFault } from '../../../../src/activities/faults/lifecycle';
import type { Disarmed, MoveResult, ReverterSlot } from '../../../../src/activities/safety/reverter';
import type { FaultRecord, LeaseInput } from '../../../../src/activities/types';
import type { FaultSpec } from '../../../../src/spec';
import { FakeClock } from '../../fakes/clock';

type Step = 'arm' | 'inject' | 'restore' | 'disarm' | 'lease' | 'move';

const spec: FaultSpec = { kind: 'container-pause', target: { service: 'nats-1', mode: 'all' } };
const record = (over: Partial<FaultRecord> = {}): FaultRecord => ({
  faultId: 'wf-1/method[0]',
  stepPath: 'method[0]',
  kind: spec.kind,
  spec,
  targets: [
    { id: 'c1', name: 'nats-1' },
    { id: 'c2', name: 'nats-2' },
  ],
  deadlineAt: Date.UTC(2026, 0, 1, 12, 0, 0),
  ...over,
});

/** Docker, the drivers and the lease store in one log: what ran, in which order, and in what state. */
class FakeSafety {
  readonly steps: Step[] = [];
  readonly fail = new Set<Step>();
  readonly armed = new Set<string>();
  readonly restored = new Set<string>();
  readonly leases: LeaseInput[] = [];
  /** Each inject notes whether its fault had a reverter armed at that moment. */
  readonly coveredAtInject: boolean[] = [];
  /** Each disarm notes whether its fault had been restored by then. */
  readonly restoredAtDisarm: boolean[] = [];
  /** What disarm reports (a fired reverter, say). */
  disarmReport: Disarmed[] = [];
  reverterNames = ['fl-reverter-1', 'fl-reverter-2'];
  readonly clock = new FakeClock(5_000);
  /** How long each inject call takes on the fake clock (a slow batch). */
  injectTakesMs = 0;
  /** Every record the reverters were armed with, and with which slot. */
  readonly arms: Array<{ rec: FaultRecord; slot?: ReverterSlot }> = [];
  readonly injects: FaultRecord[] = [];
  readonly moves: Array<{ names: string[]; deadlineAt: number }> = [];
  /** What a move finds per reverter name; 'moved' unless set. */
  moveReport: Record<string, MoveResult> = {};

  private step(s: Step): void {
    this.steps.push(s);
    if (this.fail.has(s)) throw new Error(`${s} failed`);
  }

  ports(): LifecyclePorts {
    return {
      clock: this.clock,
      faults: {
        inject: async (rec) => {
          this.coveredAtInject.push(this.armed.has(rec.faultId));
          this.injects.push(rec);
          this.step('inject');
          this.clock.current += this.injectTakesMs;
          return { injectedAt: this.clock.now(), details: rec.targets.map((t) => `${t.name}: paused`) };
        },
        restore: async (rec) => {
          this.step('restore');
          this.restored.add(rec.faultId);
          return { restoredAt: this.clock.now(), outcomes: rec.targets.map((t) => ({ container: t.name, outcome: 'restored' as const })) };
        },
        verify: async () => ({ residue: [] }),
      },
      reverters: {
        arm: async (rec, slot) => {
          this.step('arm');
          this.arms.push({ rec, slot });
          this.armed.add(rec.faultId);
          return this.reverterNames.slice(0, rec.targets.length).map((name, i) => ({ name: slot ? `${name}-${slot}` : name, target: rec.targets[i] }));
        },
        move: async (names, deadlineAt) => {
          this.step('move');
          this.moves.push({ names, deadlineAt });
          return names.map((n) => this.moveReport[n] ?? 'moved');
        },
        disarm: async (faultId) => {
          this.restoredAtDisarm.push(this.restored.has(faultId));
          this.step('disarm');
          this.armed.delete(faultId);
          return this.disarmReport;
        },
      },
      leases: {
        acquire: async (input) => {
          this.step('lease');
          this.leases.push(input);
          return { acquired: true };
        },
      },
    };
  }
}

type Factory = (ports: LifecyclePorts) => FaultLifecycle;

/** The order properties, as functions of a lifecycle factory, so the negative control can reuse them. */
const orderChecks: Record<string, (make: Factory) => Promise<void>> = {
  'inject: the reverter is armed before the target is touched': async (make) => {
    const w = new FakeSafety();
    await make(w.ports()).inject(record());
    expect(w.steps).toEqual(['arm', 'inject']);
    expect(w.coveredAtInject).toEqual([true]);
  },
  'restore: the reverter is disarmed only after the restore succeeded': async (make) => {
    const w = new FakeSafety();
    await make(w.ports()).restore(record());
    expect(w.steps).toEqual(['restore', 'disarm']);
    expect(w.restoredAtDisarm).toEqual([true]);
  },
  're-arm: the lease is renewed before the switch moves': async (make) => {
    const w = new FakeSafety();
    await make(w.ports()).rearm(record());
    expect(w.steps).toEqual(['lease', 'arm']);
  },
};

const TTL = 30_000;

/** A record as workflows since issue 11 send it: its TTL, and a deadline counted from its lease. */
const withTtl = (over: Partial<FaultRecord> = {}): FaultRecord => record({ ttlMs: TTL, deadlineAt: 5_000 + TTL, ...over });

orderChecks['inject with a TTL: armed, injected, then the lease renewed and only then the switch moved'] = async (make) => {
  const w = new FakeSafety();
  await make(w.ports()).inject(withTtl());
  expect(w.steps).toEqual(['arm', 'inject', 'lease', 'move']);
  expect(w.coveredAtInject).toEqual([true]);
};

describe('fault lifecycle order', () => {
  for (const [name, check] of Object.entries(orderChecks)) test(name, () => check(createFaultLifecycle));
});

describe('inject', () => {
  test('notes the dead-man switch and its deadline when reverters were armed', async () => {
    const w = new FakeSafety();
    const r = await createFaultLifecycle(w.ports()).inject(record());
    expect(r.details).toEqual(['nats-1: paused', 'nats-2: paused', 'dead-man switch armed until 2026-01-01T12:00:00.000Z']);
  });

  test('a kind with nothing to undo arms no reverter and adds no note', async () => {
    const w = new FakeSafety();
    w.reverterNames = [];
    const r = await createFaultLifecycle(w.ports()).inject(record());
    expect(w.steps).toEqual(['arm', 'inject']);
    expect(r.details).toEqual(['nats-1: paused', 'nats-2: paused']);
  });

  test('a failed arm surfaces and the target is never touched', async () => {
    const w = new FakeSafety();
    w.fail.add('arm');
    await expect(createFaultLifecycle(w.ports()).inject(record())).rejects.toThrow('arm failed');
    expect(w.steps).toEqual(['arm']);
  });

  test('a failed inject surfaces and leaves the reverter armed as the safety net', async () => {
    const w = new FakeSafety();
    w.fail.add('inject');
    await expect(createFaultLifecycle(w.ports()).inject(record())).rejects.toThrow('inject failed');
    expect(w.steps).toEqual(['arm', 'inject']);
    expect(w.armed.has('wf-1/method[0]')).toBe(true);
  });
});

describe('inject: the deadline counts from the inject', () => {
  test('a slow batch moves every reverter to the last inject plus the TTL, and the lease with it', async () => {
    const w = new FakeSafety();
    w.injectTakesMs = 40_000; // longer than the TTL: the old deadline had passed before the batch ended
    const r = await createFaultLifecycle(w.ports()).inject(withTtl());
    const due = 5_000 + 40_000 + TTL;
    // Armed before the inject with a deadline a full TTL away, never the (earlier) lease-based one.
    expect(w.arms.map((a) => a.rec.deadlineAt)).toEqual([5_000 + TTL]);
    expect(w.injects[0].deadlineAt).toBe(5_000 + TTL);
    expect(r.injectedAt).toBe(45_000);
    expect(r.deadlineAt).toBe(due);
    expect(w.moves).toEqual([{ names: ['fl-reverter-1', 'fl-reverter-2'], deadlineAt: due }]);
    expect(w.leases).toEqual([{ run: 'wf-1', faultId: 'wf-1/method[0]', targets: withTtl().targets, expiresAt: due }]);
    expect(r.details.at(-1)).toBe(`dead-man switch armed until ${new Date(due).toISOString()} (30s after the last inject)`);
  });

  test('a workflow deadline later than now + TTL is kept, never shortened', async () => {
    const w = new FakeSafety();
    const r = await createFaultLifecycle(w.ports()).inject(withTtl({ deadlineAt: 900_000 }));
    expect(w.arms[0].rec.deadlineAt).toBe(900_000);
    expect(r.deadlineAt).toBe(900_000);
  });

  test('a switch that fired during the batch stays as evidence; its target gets a second reverter and is injected again', async () => {
    const w = new FakeSafety();
    w.moveReport = { 'fl-reverter-2': 'fired' };
    const r = await createFaultLifecycle(w.ports()).inject(withTtl());
    expect(w.steps).toEqual(['arm', 'inject', 'lease', 'move', 'arm', 'inject']);
    expect(w.arms[1]).toEqual({ rec: expect.objectContaining({ targets: [{ id: 'c2', name: 'nats-2' }], deadlineAt: r.deadlineAt }), slot: 'again' });
    expect(w.injects[1].targets).toEqual([{ id: 'c2', name: 'nats-2' }]);
    expect(r.details).toContain('nats-2: the dead-man switch fired before the batch was injected; armed again and injected again');
  });

  test('a record without a TTL (a run from before) keeps its deadline: no lease renewal, no move', async () => {
    const w = new FakeSafety();
    w.injectTakesMs = 40_000;
    const r = await createFaultLifecycle(w.ports()).inject(record());
    expect(w.steps).toEqual(['arm', 'inject']);
    expect(r.deadlineAt).toBeUndefined();
  });

  test('a kind with nothing to undo still has its lease renewed to the deadline, and nothing to move', async () => {
    const w = new FakeSafety();
    w.reverterNames = [];
    const r = await createFaultLifecycle(w.ports()).inject(withTtl());
    expect(w.steps).toEqual(['arm', 'inject', 'lease']);
    expect(r.details).toEqual(['nats-1: paused', 'nats-2: paused']);
  });

  test('a failed move surfaces (the activity is retried; the provisional deadlines still hold)', async () => {
    const w = new FakeSafety();
    w.fail.add('move');
    await expect(createFaultLifecycle(w.ports()).inject(withTtl())).rejects.toThrow('move failed');
    expect(w.armed.has('wf-1/method[0]')).toBe(true);
  });
});

describe('restore', () => {
  test('a reverter that had fired leaves a note on its target, after any detail already there', async () => {
    const w = new FakeSafety();
    w.disarmReport = [
      { target: 'nats-1', fired: true, exitCode: 0 },
      { target: 'nats-2', fired: false },
      { target: 'gone-3', fired: true },
    ];
    const ports = w.ports();
    const restore = ports.faults.restore;
    ports.faults.restore = async (rec) => {
      const r = await restore(rec);
      r.outcomes[0].detail = 'was paused';
      return r;
    };
    const r = await createFaultLifecycle(ports).restore(record());
    expect(r.outcomes).toEqual([
      { container: 'nats-1', outcome: 'restored', detail: 'was paused; dead-man switch had fired (exit 0)' },
      { container: 'nats-2', outcome: 'restored' },
    ]);
  });

  test('when a switch fired is reported per target, the earliest of its reverters', async () => {
    const w = new FakeSafety();
    w.disarmReport = [
      { target: 'nats-1', fired: true, exitCode: 0, firedAt: 7_000 },
      { target: 'nats-1', fired: true, exitCode: 0, firedAt: 6_000 },
      { target: 'nats-2', fired: false },
    ];
    const r = await createFaultLifecycle(w.ports()).restore(record());
    expect(r.outcomes.map((o) => o.selfRevertedAt)).toEqual([6_000, undefined]);
  });

  test('a fired reverter with no exit code reads "exit ?"', async () => {
    const w = new FakeSafety();
    w.disarmReport = [{ target: 'nats-2', fired: true }];
    const r = await createFaultLifecycle(w.ports()).restore(record());
    expect(r.outcomes[1].detail).toBe('dead-man switch had fired (exit ?)');
  });

  test('a failed restore surfaces and keeps the reverter: no disarm', async () => {
    const w = new FakeSafety();
    w.armed.add('wf-1/method[0]');
    w.fail.add('restore');
    await expect(createFaultLifecycle(w.ports()).restore(record())).rejects.toThrow('restore failed');
    expect(w.steps).toEqual(['restore']);
    expect(w.armed.has('wf-1/method[0]')).toBe(true);
  });

  test('a failed disarm after a good restore is reported as the activity error, so a retry disarms again', async () => {
    const w = new FakeSafety();
    w.fail.add('disarm');
    await expect(createFaultLifecycle(w.ports()).restore(record())).rejects.toThrow('disarm failed');
    expect(w.steps).toEqual(['restore', 'disarm']);
  });
});

describe('re-arm', () => {
  test("renews the run's lease to the new deadline, then re-arms and returns the reverters", async () => {
    const w = new FakeSafety();
    const rec = record({ deadlineAt: 9_000 });
    expect(await createFaultLifecycle(w.ports()).rearm(rec)).toEqual({ reverters: ['fl-reverter-1', 'fl-reverter-2'] });
    expect(w.leases).toEqual([{ run: 'wf-1', faultId: 'wf-1/method[0]', targets: rec.targets, expiresAt: 9_000 }]);
  });

  test('a record without a deadline renews the lease to now', async () => {
    const w = new FakeSafety();
    await createFaultLifecycle(w.ports()).rearm(record({ deadlineAt: undefined }));
    expect(w.leases[0].expiresAt).toBe(5_000);
  });

  test('a failed lease surfaces and the switch is not moved', async () => {
    const w = new FakeSafety();
    w.fail.add('lease');
    await expect(createFaultLifecycle(w.ports()).rearm(record())).rejects.toThrow('lease failed');
    expect(w.steps).toEqual(['lease']);
  });

  test('a failed re-arm surfaces after the lease was renewed', async () => {
    const w = new FakeSafety();
    w.fail.add('arm');
    await expect(createFaultLifecycle(w.ports()).rearm(record())).rejects.toThrow('arm failed');
    expect(w.steps).toEqual(['lease', 'arm']);
  });
});

test('the run of a fault is its id up to the last slash (the workflow id)', () => {
  expect(runOfFault('wf-1/method[0]')).toBe('wf-1');
  expect(runOfFault('chain-7/child/method[2]')).toBe('chain-7/child');
});

/** Negative control: the same checks must fail for a lifecycle that does each step in the wrong order. */
describe('negative control: a lifecycle wired in the wrong order', () => {
  const wrongOrder: Factory = ({ faults, reverters, leases, clock }) => ({
    async inject(rec) {
      const r = await faults.inject(rec);
      const armed = await reverters.arm(rec);
      if (rec.ttlMs !== undefined) {
        // Moved before the lease, and counted from the lease: both wrong.
        await reverters.move(
          armed.map((a) => a.name),
          rec.deadlineAt ?? 0,
        );
        await leases.acquire({ run: runOfFault(rec.faultId), faultId: rec.faultId, targets: rec.targets, expiresAt: rec.deadlineAt ?? 0 });
      }
      return r;
    },
    async restore(rec) {
      await reverters.disarm(rec.faultId);
      return faults.restore(rec);
    },
    async rearm(rec) {
      const names = (await reverters.arm(rec)).map((a) => a.name);
      await leases.acquire({ run: runOfFault(rec.faultId), faultId: rec.faultId, targets: rec.targets, expiresAt: rec.deadlineAt ?? clock.now() });
      return { reverters: names };
    },
  });
  for (const [name, check] of Object.entries(orderChecks)) test(`is caught by "${name}"`, () => expect(check(wrongOrder)).rejects.toThrow());
});
