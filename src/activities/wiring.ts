/**
 * Builds, once per worker, what the activity table binds to: the driver ports over the worker's
 * Docker client, the fault actions, the fault lifecycle with its Docker-backed reverters and
 * leases, and the two long activities whose progress lines are phrased here. Nothing in this
 * file decides an order of effects; that is the lifecycle's job (faults/lifecycle.ts).
 */
import { Context } from '@temporalio/activity';
import type Docker from 'dockerode';
import { withHeartbeat } from './boundary';
import { createCloneOps } from './docker/clone-ops';
import { type FaultDrivers, type FaultPorts, createFaultDrivers, injectFault, restoreFault, selfRevertFor, verifyFault } from './faults';
import { type FaultActions, type FaultLifecycle, createFaultLifecycle } from './faults/lifecycle';
import { guardHost } from './host/guard';
import { hostOps } from './host/processes';
import { createNetOps } from './net/ops';
import type { WorkerPolicy } from './policy';
import type { Clock, ContainerOps } from './ports';
import { type ProbeDeps, timeToGreen } from './probes';
import { acquireLease } from './safety/leases';
import { type SelfRevertFor, armReverters, disarmReverters } from './safety/reverter';
import type { TimeToGreenInput, TimeToGreenResult } from './types';
import { type WorkloadInput, type WorkloadSummary, runWorkload } from './workloads/run';

export interface ActivityDeps {
  docker: Docker;
  ops: ContainerOps;
  clock: Clock;
  /** Folder that holds artifacts/<workflowId>/. */
  artifactsRoot: string;
  /** What the worker's operator allows scenarios to do on this host (src/activities/policy.ts). */
  policy: WorkerPolicy;
}

export interface Wiring {
  /** Every port over the worker's Docker client and host; probes and rollbacks take their share. */
  driverDeps: FaultPorts;
  /** What probes run with: the container ports plus the host ports the worker's policy allows. */
  probeDeps: ProbeDeps;
  faults: FaultActions;
  lifecycle: FaultLifecycle;
  timeToGreen(input: TimeToGreenInput): Promise<TimeToGreenResult>;
  runWorkload(input: WorkloadInput): Promise<WorkloadSummary>;
}

/** The registry's self-revert scripts, in the form the reverter module takes them. */
export const selfRevertsOf =
  (drivers: FaultDrivers): SelfRevertFor =>
  (rec, target) =>
    selfRevertFor(drivers, rec, target);

export function wire(deps: ActivityDeps): Wiring {
  const { docker, ops, clock, artifactsRoot, policy } = deps;
  const host = guardHost(hostOps, policy.hostFaults);
  const driverDeps: FaultPorts = { ops, clock, net: createNetOps(docker), clones: createCloneOps(docker), host };
  const drivers = createFaultDrivers(driverDeps);
  const probeDeps: ProbeDeps = { ops, clock, hostPorts: policy.probes.hostPorts };
  const faults: FaultActions = {
    inject: (rec) => injectFault(drivers, rec),
    restore: (rec) => restoreFault(drivers, rec),
    verify: (rec) => verifyFault(drivers, rec),
  };
  const lifecycle = createFaultLifecycle({
    faults,
    reverters: { arm: (rec) => armReverters(docker, rec, selfRevertsOf(drivers)), disarm: (faultId) => disarmReverters(docker, faultId) },
    leases: { acquire: (input) => acquireLease(docker, clock, input) },
    clock,
  });
  return {
    driverDeps,
    probeDeps,
    faults,
    lifecycle,
    timeToGreen: (input) =>
      withHeartbeat((progress, signal) =>
        timeToGreen(probeDeps, input, { onProgress: (attempts: number, streak: number) => progress(`attempt ${attempts}, streak ${streak}`), signal }),
      ),
    /** Runs until cancelled; a retry after a dead worker appends to the same history file. */
    runWorkload: (input) => {
      const attempt = Context.current().info.attempt;
      return withHeartbeat((progress, signal) =>
        runWorkload(input, {
          artifactsRoot,
          clock,
          attempt,
          hostPorts: policy.probes.hostPorts,
          signal,
          onProgress: (s) => progress(`${s.invoked} invoked, ${s.ok} ok, ${s.failed} failed, ${s.unknown} unknown`),
        }),
      );
    },
  };
}
