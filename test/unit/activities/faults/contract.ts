/**
 * The driver contract, as checks that return what they found wrong instead of failing at once, so
 * the suite can run them over every registered kind and also show that a broken driver is caught.
 * Each check runs in a fresh fake world (test/unit/fakes/world.ts); "the world" is its snapshot.
 */
import { injectFault, restoreFault, selfRevertFor, verifyFault } from '../../../../src/activities/faults';
import type { DriverMap } from '../../../../src/activities/faults/registry';
import { type ContainerRef, type FaultRecord, HOST_TARGET } from '../../../../src/activities/types';
import { type FaultKind, FaultSpec, faultDeclaration } from '../../../../src/spec/faults';
import { type FakeWorld, fakeWorld } from '../../fakes/world';

export interface KindCase {
  /** The fault without its kind, as a scenario would give it. */
  spec: Record<string, unknown>;
  targets: (w: FakeWorld) => ContainerRef[];
  /** Two faults of this kind on one target keep their own state (tagged rules, named toxics, labelled clones). */
  independent: boolean;
  /** The damage is not visible state (a restart loses memory): inject changes no snapshot, verify finds nothing. */
  invisible?: boolean;
}

/** A way to break the drivers of a fresh world, for the negative controls. */
export type Tamper = (byKind: DriverMap, w: FakeWorld) => void;

type Check = (w: FakeWorld, rec: (step: string, targets?: ContainerRef[]) => FaultRecord, c: KindCase) => Promise<string[]>;

const same = (a: string[], b: string[]): boolean => JSON.stringify(a) === JSON.stringify(b);
const diff = (what: string, want: string[], got: string[]): string[] =>
  same(want, got) ? [] : [`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
const notClean = (outcomes: Array<{ container: string; outcome: string }>): string[] =>
  outcomes.filter((o) => o.outcome !== 'already-clean').map((o) => `${o.container}: ${o.outcome}`);

export const CHECKS: Record<string, Check> = {
  'inject twice is harmless': async (w, rec) => {
    const base = w.snapshot();
    const r = rec('0');
    await injectFault(w.drivers, r);
    const once = w.snapshot();
    await injectFault(w.drivers, r);
    const found = diff('a second inject changed the world', once, w.snapshot());
    await restoreFault(w.drivers, r);
    return [...found, ...diff('one restore after two injects', base, w.snapshot()), ...diff('residue', [], (await verifyFault(w.drivers, r)).residue)];
  },

  'restore twice is harmless': async (w, rec) => {
    const base = w.snapshot();
    const r = rec('0');
    await injectFault(w.drivers, r);
    await restoreFault(w.drivers, r);
    const second = await restoreFault(w.drivers, r);
    return [...notClean(second.outcomes).map((o) => `second restore did something: ${o}`), ...diff('after two restores', base, w.snapshot())];
  },

  'restore without inject is harmless': async (w, rec) => {
    const base = w.snapshot();
    const r = rec('0');
    const res = await restoreFault(w.drivers, r);
    return [
      ...notClean(res.outcomes).map((o) => `restore without inject did something: ${o}`),
      ...diff('after a restore without inject', base, w.snapshot()),
      ...diff('residue without inject', [], (await verifyFault(w.drivers, r)).residue),
    ];
  },

  'verify sees the fault, and is empty after restore': async (w, rec, c) => {
    const base = w.snapshot();
    const r = rec('0');
    await injectFault(w.drivers, r);
    const found: string[] = [];
    if (!c.invisible) {
      if (same(base, w.snapshot())) found.push('inject changed nothing');
      if ((await verifyFault(w.drivers, r)).residue.length < r.targets.length) found.push('verify does not report the injected fault on every target');
    }
    await restoreFault(w.drivers, r);
    return [...found, ...diff('residue after restore', [], (await verifyFault(w.drivers, r)).residue), ...diff('after restore', base, w.snapshot())];
  },

  'two faults on one target stay independent': async (w, rec, c) => {
    if (!c.independent) return [];
    const target = c.targets(w).slice(0, 1);
    const a = rec('0', target);
    const b = rec('1', target);
    // What b alone does, seen in a world of its own.
    const alone = await fakeWorld();
    try {
      await injectFault(alone.drivers, b);
      const onlyB = alone.snapshot();
      await injectFault(w.drivers, a);
      await injectFault(w.drivers, b);
      await restoreFault(w.drivers, a);
      const found = [
        ...diff("restoring one fault left exactly the other's effect", onlyB, w.snapshot()),
        ...((await verifyFault(w.drivers, b)).residue.length === 0 ? ["restoring one fault removed the other's state"] : []),
      ];
      await restoreFault(w.drivers, b);
      return [...found, ...diff('residue of the other after its restore', [], (await verifyFault(w.drivers, b)).residue)];
    } finally {
      await alone.close();
    }
  },

  'self-revert matches the declaration': async (w, rec) => {
    const r = rec('0');
    const declared = faultDeclaration(r.kind).capabilities.selfRevert;
    const scripts = r.targets.map((t) => selfRevertFor(w.drivers, r, t));
    if (!declared) return scripts.some(Boolean) ? ['has a self-revert script but declares none'] : [];
    return scripts.every((s) => (s?.script ?? '').trim().length > 0) ? [] : ['declares a self-revert but gives no script for some target'];
  },
};

/** Runs every check for one kind, each in a fresh world; returns `check: problem` lines. */
export async function contractViolations(kind: FaultKind, c: KindCase, tamper?: Tamper): Promise<string[]> {
  const out: string[] = [];
  for (const [name, check] of Object.entries(CHECKS)) {
    const w = await fakeWorld();
    try {
      tamper?.(w.drivers.byKind, w);
      const spec = FaultSpec.parse({ kind, ...c.spec });
      const rec = (step: string, targets = c.targets(w)): FaultRecord => ({ faultId: `wf-contract/method[${step}]`, stepPath: `method[${step}]`, kind, spec, targets });
      out.push(...(await check(w, rec, c)).map((p) => `${name}: ${p}`));
    } catch (err) {
      out.push(`${name}: threw ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await w.close();
    }
  }
  return out;
}

export const hostTarget = (): ContainerRef[] => [HOST_TARGET];

const web = { target: { service: 'web' } };
const proxy = { target: { service: 'toxiproxy' }, proxy: 'db' };

/**
 * One case per registered kind: a minimal spec of it and the targets it acts on. The only test line a
 * new kind needs; the spec registry test (test/unit/spec/registry.test.ts) parses the same specs.
 */
export const FAULT_CASES: Record<FaultKind, KindCase> = {
  'container-kill': { spec: web, targets: (w) => w.refs.web, independent: false },
  'container-stop': { spec: web, targets: (w) => w.refs.web, independent: false },
  'container-restart': { spec: web, targets: (w) => w.refs.web, independent: false, invisible: true },
  'container-pause': { spec: web, targets: (w) => w.refs.web, independent: false },
  'network-partition': { spec: { ...web, peers: ['db'] }, targets: (w) => w.refs.web, independent: true },
  'network-loss': { spec: { ...web, probability: 0.3, ports: [4222] }, targets: (w) => w.refs.web, independent: true },
  'network-latency': { spec: { ...proxy, latency: '200ms' }, targets: (w) => [w.refs.toxiproxy], independent: true },
  'network-bandwidth': { spec: { ...proxy, rate: 64 }, targets: (w) => [w.refs.toxiproxy], independent: true },
  'network-timeout': { spec: proxy, targets: (w) => [w.refs.toxiproxy], independent: true },
  'network-reset': { spec: proxy, targets: (w) => [w.refs.toxiproxy], independent: true },
  'membership-surge': { spec: { ...web, count: 2 }, targets: (w) => w.refs.web, independent: true },
  'process-kill': { spec: { process: { name: 'worker' }, restart: 'worker' }, targets: hostTarget, independent: false },
};
