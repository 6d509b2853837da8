/**
 * Toxiproxy run the way scenarios run it: a service of a compose stack started by stack up, its
 * proxies read from a mounted config file. A latency fault targets the service by name and is
 * seen by a client connecting through the proxy's published port; restore removes it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { injectFault, restoreFault, verifyFault } from '../../src/activities/faults';
import { stackDown, stackUp } from '../../src/activities/stack';
import { resolveTargets } from '../../src/activities/targets';
import type { FaultRecord, StackHandle } from '../../src/activities/types';
import { FaultSpec } from '../../src/spec/faults';
import { Target } from '../../src/spec/target';
import { firstRead } from '../helpers/tcp-read';
import { realDrivers } from '../helpers/fault-drivers';

const docker = new Docker();
const ops = createContainerOps(docker);
const drivers = realDrivers(docker, { ops });
const project = `fl4-toxstack-${randomBytes(3).toString('hex')}`;
let stack: StackHandle;

beforeAll(async () => {
  stack = await stackUp(docker, { project, stack: { compose: join(__dirname, '..', 'fixtures', 'compose', 'toxiproxy.yml'), profiles: [], keep: false, healthTimeout: '60s' } });
});
afterAll(() => stackDown(docker, project));

test('a latency toxic on the configured proxy delays clients, and restore removes it', async () => {
  const port = stack.ports['toxiproxy:14222'];
  expect((await firstRead(port, 3000)).data).toMatch(/^INFO /);
  const spec = FaultSpec.parse({ kind: 'network-latency', target: { service: 'toxiproxy' }, proxy: 'nats', latency: '600ms' });
  const targets = await resolveTargets(ops, { project, target: Target.parse({ service: 'toxiproxy' }) });
  const rec: FaultRecord = { faultId: `${project}/method[0]`, stepPath: 'method[0]', kind: spec.kind, spec, targets };

  await injectFault(drivers, rec);
  const slow = await firstRead(port, 3000);
  expect(slow.data).toMatch(/^INFO /);
  expect(slow.elapsedMs).toBeGreaterThanOrEqual(550);
  expect((await verifyFault(drivers, rec)).residue).toHaveLength(1);

  expect((await restoreFault(drivers, rec)).outcomes[0].outcome).toBe('restored');
  expect(await verifyFault(drivers, rec)).toEqual({ residue: [] });
});
