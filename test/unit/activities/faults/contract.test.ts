/**
 * The driver contract over every entry of the fault registry: inject twice, restore twice, restore
 * without inject, verify after restore, two faults on one target, and the self-revert the kind
 * declares. A kind added to the registry without a case in FAULT_CASES (./contract.ts) fails to compile; the negative
 * controls show that the checks catch a broken driver.
 */
import type { FaultKind } from '../../../../src/spec/faults';
import { fakeWorld } from '../../fakes/world';
import { FAULT_CASES as CASES, type KindCase, contractViolations, hostTarget } from './contract';

const web = { target: { service: 'web' } };

/** The kinds as the registry has them, so the suite follows the registry rather than a list of its own. */
const registered = async (): Promise<FaultKind[]> => {
  const w = await fakeWorld();
  await w.close();
  return Object.keys(w.drivers.byKind) as FaultKind[];
};

test('the suite has a case for every registered kind', async () => {
  expect((await registered()).sort()).toEqual(Object.keys(CASES).sort());
});

describe.each(Object.keys(CASES) as FaultKind[])('%s keeps the driver contract', (kind) => {
  it('passes every check', async () => {
    expect(await contractViolations(kind, CASES[kind])).toEqual([]);
  });
});

/** Other paths of one driver that the registry's single case per kind does not reach. */
const VARIANTS: Array<[string, FaultKind, KindCase]> = [
  ['network-latency via netem', 'network-latency', { spec: { target: { service: 'db' }, via: 'netem', latency: '200ms' }, targets: (w) => [w.refs.db], independent: false }],
  ['network-bandwidth via netem', 'network-bandwidth', { spec: { target: { service: 'db' }, via: 'netem', rate: 64 }, targets: (w) => [w.refs.db], independent: false }],
  ['process-kill with SIGSTOP', 'process-kill', { spec: { process: { name: 'worker' }, signal: 'SIGSTOP' }, targets: hostTarget, independent: false }],
];

describe.each(VARIANTS)('%s keeps the driver contract', (_name, kind, c) => {
  it('passes every check', async () => {
    expect(await contractViolations(kind, c)).toEqual([]);
  });
});

test('container-kill with SIGSTOP: Docker cannot see a frozen process, so restore always sends SIGCONT and verify is blind (known limits)', async () => {
  const c: KindCase = { spec: { ...web, signal: 'SIGSTOP' }, targets: (w) => w.refs.web, independent: false };
  expect(await contractViolations('container-kill', c)).toEqual([
    'restore twice is harmless: second restore did something: p1-web-1: restored',
    'restore twice is harmless: second restore did something: p1-web-2: restored',
    'restore without inject is harmless: restore without inject did something: p1-web-1: restored',
    'restore without inject is harmless: restore without inject did something: p1-web-2: restored',
    'verify sees the fault, and is empty after restore: verify does not report the injected fault on every target',
  ]);
});

describe('negative controls: a broken driver fails the contract', () => {
  it('a restore that does nothing', async () => {
    const found = await contractViolations('container-stop', CASES['container-stop'], (byKind) => {
      byKind['container-stop'] = { ...byKind['container-stop'], restore: async () => ({ outcome: 'already-clean' }) };
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^verify sees the fault, and is empty after restore: residue after restore/)]));
  });

  it('a restore that removes every rule of the target, not just its own', async () => {
    const found = await contractViolations('network-partition', CASES['network-partition'], (byKind, w) => {
      const real = byKind['network-partition'];
      byKind['network-partition'] = {
        ...real,
        restore: async (ctx) => {
          const r = await real.restore(ctx);
          const ns = w.net.namespaceOf(ctx.target.id);
          if (ns) ns.rules = [];
          return r;
        },
      };
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^two faults on one target stay independent: restoring one fault removed/)]));
  });

  it('an inject that stacks a second toxic when retried', async () => {
    let n = 0;
    const found = await contractViolations('network-latency', CASES['network-latency'], (byKind) => {
      const real = byKind['network-latency'];
      byKind['network-latency'] = { ...real, inject: (ctx) => real.inject({ ...ctx, faultId: `${ctx.faultId}#${n++}` }) };
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^inject twice is harmless: a second inject changed the world/)]));
  });
});
