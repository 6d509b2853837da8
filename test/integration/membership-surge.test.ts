/**
 * The membership-surge driver on real Docker: clones of a NATS server start on its network under
 * their own names, restore removes exactly them (twice is harmless, with no inject it is a no-op),
 * two faults on one target keep separate clones, and verify reports a clone left behind.
 */
import { randomBytes } from 'node:crypto';
import { injectFault, restoreFault, verifyFault } from '../../src/activities/faults';
import { createCloneOps } from '../../src/activities/docker/clone-ops';
import { SURGE_LABEL } from '../../src/activities/faults/cluster/membership-surge';
import type { FaultRecord } from '../../src/activities/types';
import { FaultSpec } from '../../src/spec/faults';
import { type LabNode, NetLab } from '../helpers/net-lab';
import { realDrivers } from '../helpers/fault-drivers';

const lab = new NetLab(`fl4b-surge-${randomBytes(3).toString('hex')}`);
const clones = createCloneOps(lab.docker);
const drivers = realDrivers(lab.docker, { clones });
let nats: LabNode;
let step = 0;

function record(count: number): FaultRecord {
  const spec = FaultSpec.parse({ kind: 'membership-surge', target: { service: 'nats' }, count, command: ['-c', '/etc/nats/nats.conf', '--name', '{name}'] });
  const path = `method[${step++}]`;
  return { faultId: `${lab.project}/${path}`, stepPath: path, kind: spec.kind, spec, targets: [{ id: nats.id, name: nats.name, service: 'nats' }] };
}

const running = async () =>
  (await lab.docker.listContainers({ filters: { label: [`faultline.project=${lab.project}`, SURGE_LABEL] } })).map((c) => c.Names[0].replace(/^\//, '')).sort();

beforeAll(async () => {
  await lab.createNetwork();
  nats = await lab.nats('nats');
});
afterAll(() => lab.remove());

test('inject starts clones on the target network; restore removes them; restore again is harmless', async () => {
  const rec = record(2);
  const r = await injectFault(drivers, rec);
  expect(r.details[0]).toMatch(/started 2 clone\(s\)/);
  const names = await running();
  expect(names).toHaveLength(2);
  expect(names.every((n) => n.startsWith(`${lab.project}-nats-s`))).toBe(true);
  // A retried inject finds its clones instead of making more.
  await injectFault(drivers, rec);
  expect(await running()).toEqual(names);
  expect((await verifyFault(drivers, rec)).residue).toHaveLength(2);
  expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'restored' });
  expect(await running()).toEqual([]);
  expect((await restoreFault(drivers, rec)).outcomes[0]).toMatchObject({ outcome: 'already-clean' });
  expect((await verifyFault(drivers, rec)).residue).toEqual([]);
});

test('restore with no inject is a no-op; two faults on one target keep their own clones', async () => {
  expect((await restoreFault(drivers, record(1))).outcomes[0]).toMatchObject({ outcome: 'already-clean' });
  const [a, b] = [record(1), record(2)];
  await injectFault(drivers, a);
  await injectFault(drivers, b);
  expect(await running()).toHaveLength(3);
  await restoreFault(drivers, a);
  expect(await running()).toHaveLength(2);
  expect((await verifyFault(drivers, a)).residue).toEqual([]);
  // Negative control for the residue scan: b's clones are still there and verify must say so.
  const left = (await verifyFault(drivers, b)).residue;
  expect(left).toHaveLength(2);
  expect(left[0]).toMatch(/surge clone left: /);
  await restoreFault(drivers, b);
  expect(await running()).toEqual([]);
});
