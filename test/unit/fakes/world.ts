/**
 * One in-memory world for fault drivers: a stack `p1` with two `web` containers, a `db` and a
 * Toxiproxy (proxy `db`, API published on loopback), one host process `worker`, and the drivers of
 * every kind built on these fakes by the production `createFaultDrivers`. `snapshot()` is what a
 * restore must bring back: container states, rules, qdiscs, toxics, clones and processes.
 */
import { type FaultDrivers, createFaultDrivers } from '../../../src/activities/faults';
import { guardHost } from '../../../src/activities/host/guard';
import type { HostOps } from '../../../src/activities/host/processes';
import type { HostFaultPolicy } from '../../../src/activities/policy';
import type { Clock } from '../../../src/activities/ports';
import type { ContainerRef } from '../../../src/activities/types';
import { FakeCloneOps } from './clone-ops';
import { FakeClock } from './clock';
import { FakeContainerOps } from './container-ops';
import { FakeHostOps } from './host-ops';
import { FakeNetOps } from './net-ops';
import { FakeToxiproxy } from './toxiproxy';

export const PROJECT = 'p1';

export interface FakeWorld {
  ops: FakeContainerOps;
  clock: FakeClock;
  net: FakeNetOps;
  clones: FakeCloneOps;
  host: FakeHostOps;
  toxiproxy: FakeToxiproxy;
  drivers: FaultDrivers;
  refs: { web: ContainerRef[]; db: ContainerRef; toxiproxy: ContainerRef };
  snapshot(): string[];
  close(): Promise<void>;
}

export async function fakeWorld(): Promise<FakeWorld> {
  const ops = new FakeContainerOps();
  const clock = new FakeClock();
  const net = new FakeNetOps(ops);
  const clones = new FakeCloneOps(ops);
  const host = new FakeHostOps();
  const toxiproxy = new FakeToxiproxy(['db']);
  const web = [ops.add(PROJECT, 'web', { name: 'p1-web-1' }), ops.add(PROJECT, 'web', { name: 'p1-web-2' })];
  const db = ops.add(PROJECT, 'db');
  const proxy = ops.add(PROJECT, 'toxiproxy');
  net.publish(proxy.id, '8474/tcp', await toxiproxy.start());
  host.add('worker');
  const drivers = createFaultDrivers({ ops, clock, net, clones, host: guardHost(host, TEST_HOST_POLICY) });

  const snapshot = (): string[] => [
    ...[...ops.containers.values()].map((c) => {
      const ns = net.namespaceOf(c.id);
      const state = [c.running ? 'running' : 'exited', c.paused ? 'paused' : '', c.stopped ? 'frozen' : ''].filter(Boolean).join(' ');
      const rules = ns?.rules.map((r) => r.join(' ')) ?? [];
      const qdiscs = Object.entries(ns?.qdiscs ?? {}).map(([d, q]) => `${d}: ${q}`);
      return `container ${c.name}: ${state}${[...rules, ...qdiscs].map((x) => `; ${x}`).join('')}`;
    }),
    ...toxiproxy.toxics().map((t) => `toxic ${t}`),
    ...[...host.processes.values()].map((p) => `process ${p.name}: ${p.state}`),
  ].sort();

  return { ops, clock, net, clones, host, toxiproxy, drivers, refs: { web, db, toxiproxy: proxy }, snapshot, close: () => toxiproxy.stop() };
}

/** A worker policy for the fakes: host faults on for any name not always refused; `worker` restarts as /usr/bin/worker. */
export const TEST_HOST_POLICY: HostFaultPolicy = { enabled: true, processes: ['*'], restarts: { worker: ['/usr/bin/worker'] } };

/** The drivers over one FakeContainerOps, with fake network, clone and host ports unless `host` is given, behind `policy`. */
export function fakeDrivers(ops: FakeContainerOps, clock: Clock = new FakeClock(), host: HostOps = new FakeHostOps(), policy: HostFaultPolicy = TEST_HOST_POLICY): FaultDrivers {
  return createFaultDrivers({ ops, clock, net: new FakeNetOps(ops), clones: new FakeCloneOps(ops), host: guardHost(host, policy) });
}
