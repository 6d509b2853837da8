/**
 * The production fault drivers on the real Docker engine and the real host, for integration tests.
 * `over` swaps single ports (a test's own ContainerOps, a fake host) and keeps the rest real.
 */
import type Docker from 'dockerode';
import { createCloneOps } from '../../src/activities/docker/clone-ops';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { type FaultDrivers, type FaultPorts, createFaultDrivers } from '../../src/activities/faults';
import { guardHost } from '../../src/activities/host/guard';
import { hostOps } from '../../src/activities/host/processes';
import { createNetOps } from '../../src/activities/net/ops';
import { DEFAULT_POLICY } from '../../src/activities/policy';
import { systemClock } from '../../src/activities/ports';

export function realDrivers(docker: Docker, over: Partial<FaultPorts> = {}): FaultDrivers {
  return createFaultDrivers({
    ops: createContainerOps(docker),
    clock: systemClock,
    net: createNetOps(docker),
    clones: createCloneOps(docker),
    // The worker's default: no host faults.
    host: guardHost(hostOps, DEFAULT_POLICY.hostFaults),
    ...over,
  });
}
