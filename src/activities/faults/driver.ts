/**
 * The contract every fault kind implements, per target, and the ports a driver factory receives.
 * Which ports a kind gets is its declaration's `capabilities.ports` (src/spec), so a driver can
 * only use what its kind declares: `PortsOf<K>` is the parameter type of its factory.
 */
import type { FaultDeclarationOf, FaultKind } from '../../spec/faults';
import type { CloneOps } from '../docker/clone-ops';
import type { HostPort } from '../host/guard';
import type { NetOps } from '../net/ops';
import type { Clock, ContainerOps } from '../ports';
import type { ContainerRef, RestoreOutcome } from '../types';

/** Every port a fault driver may need; `createFaultDrivers` hands each factory its share. */
export interface FaultPorts {
  ops: ContainerOps;
  clock: Clock;
  /** Network namespaces and addresses (network kinds). */
  net: NetOps;
  /** Container clones (membership-surge). */
  clones: CloneOps;
  /** Processes of the worker's host (process-kill), behind the worker's policy. */
  host: HostPort;
}

/** Exactly the ports kind K declares. */
export type PortsOf<K extends FaultKind> = Pick<FaultPorts, FaultDeclarationOf<K>['capabilities']['ports'][number]>;

/** One target of one call; rollbacks use it too, with their own id. */
export interface TargetContext {
  target: ContainerRef;
  /** `<workflowId>/<step path>`: the key that makes repeated calls for one record safe. */
  faultId: string;
}

export interface FaultContext<F> extends TargetContext {
  fault: F;
}

export interface TargetOutcome {
  outcome: RestoreOutcome;
  detail?: string;
}

/** What must run at the target to undo this fault if nobody restores it in time. */
export interface SelfRevert {
  /** Container whose network namespace the reverter joins, e.g. for iptables rules or a loopback API. */
  netnsOf?: string;
  /** NET_ADMIN in that namespace (iptables, tc); every other capability is dropped. */
  netAdmin?: boolean;
  /**
   * Names and values the script reads as `$FL_…` variables. Anything that came from a scenario goes
   * here, never into the script text, so no name can change what the script runs.
   */
  env?: Record<string, string>;
  /** The reverter mounts /var/run/docker.sock (container faults: unpause, start via curl --unix-socket). */
  dockerSocket?: boolean;
  /** Docker network the reverter joins to reach a service's API (e.g. Toxiproxy), when not in a netns. */
  network?: string;
  /** POSIX sh, idempotent; faultline/base:bookworm has sh, curl, iptables, iproute2, nc. */
  script: string;
}

export interface FaultDriver<F> {
  /** Applies the fault to one target; returns one line for the journal. Safe to repeat. */
  inject(ctx: FaultContext<F>): Promise<string>;
  /** Undoes it; safe to repeat, after a partial inject, or with no inject at all. */
  restore(ctx: FaultContext<F>): Promise<TargetOutcome>;
  /** Residue left on the target; empty means clean. */
  verify(ctx: FaultContext<F>): Promise<string[]>;
  /** The dead-man switch for one target; present exactly when the kind declares `selfRevert`. */
  selfRevert?(ctx: FaultContext<F>): SelfRevert;
}
