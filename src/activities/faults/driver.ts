/**
 * The contract every fault kind implements, per target, plus the state checks the container faults
 * share. Container faults are idempotent by target state: restore drives the container towards
 * "running and unpaused", so repeating it, or running it without an inject, changes nothing.
 */
import { FaultlineError } from '../../errors';
import type { HostOps } from '../host/processes';
import type { NetOps } from '../net/ops';
import type { CloneOps } from './clone-ops';
import { type Clock, type ContainerOps, type ContainerState, isGone } from '../ports';
import type { ContainerRef, FaultRecord, RestoreOutcome } from '../types';

export interface FaultDeps {
  ops: ContainerOps;
  clock: Clock;
  /** Network namespaces and addresses; only the network fault kinds need it. */
  net?: NetOps;
  /** Container clones; only membership-surge needs it. */
  clones?: CloneOps;
  /** Processes of the worker's host (process-kill); the real host when omitted. */
  host?: HostOps;
}

/** One target of one call; rollbacks use it too, with their own id. */
export interface TargetContext {
  deps: FaultDeps;
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
  /** Container whose network namespace the reverter joins (with NET_ADMIN), e.g. for iptables rules. */
  netnsOf?: string;
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
  /** The dead-man switch for one target; absent when the fault leaves nothing to undo. */
  selfRevert?(rec: FaultRecord, target: ContainerRef): SelfRevert;
}

/** How long a restore waits for a started container to report running before it asks for a retry. */
export const RUNNING_WAIT_MS = 20_000;
const POLL_MS = 250;

export const isUp = (s: ContainerState): boolean => s.running && !s.restarting;

/**
 * Starts the target unless it runs, then waits until Docker reports it running. Waiting for health
 * is deliberately left to time-to-green, which measures exactly that.
 */
export async function ensureRunning(ctx: TargetContext): Promise<TargetOutcome> {
  const { ops } = ctx.deps;
  const before = await ops.inspect(ctx.target.id);
  if (!before) return { outcome: 'gone' };
  if (isUp(before)) {
    return before.paused ? { outcome: 'already-clean', detail: 'running, but paused by something else' } : { outcome: 'already-clean' };
  }
  if (!before.running) {
    try {
      await ops.start(ctx.target.id);
    } catch (err) {
      if (isGone(err)) return { outcome: 'gone' };
      throw err;
    }
  }
  const after = await waitUntilUp(ctx);
  if (!after) return { outcome: 'gone' };
  return { outcome: 'restored', detail: before.running ? 'was restarting, now running' : 'started' };
}

async function waitUntilUp(ctx: TargetContext): Promise<ContainerState | undefined> {
  const { ops, clock } = ctx.deps;
  const deadline = clock.now() + RUNNING_WAIT_MS;
  for (;;) {
    const s = await ops.inspect(ctx.target.id);
    if (!s || isUp(s)) return s;
    if (clock.now() >= deadline) {
      throw new FaultlineError(
        'RestoreIncomplete',
        `${ctx.target.name} did not reach running within ${RUNNING_WAIT_MS / 1000}s (status ${s.status}, exit code ${s.exitCode})`,
        { context: { faultId: ctx.faultId, container: ctx.target.name } },
      );
    }
    await clock.sleep(POLL_MS);
  }
}

/** The residue any container fault can leave: a paused, stopped or vanished target. */
export async function containerResidue(ctx: TargetContext): Promise<string[]> {
  const s = await ctx.deps.ops.inspect(ctx.target.id);
  const name = ctx.target.name;
  if (!s) return [`${name}: container is gone`];
  if (s.paused) return [`${name}: paused`];
  if (!isUp(s)) return [`${name}: not running (status ${s.status}, exit code ${s.exitCode})`];
  return [];
}

/** Docker takes whole seconds of grace; round up so "500ms" still gives the process a chance. */
export const graceSeconds = (ms: number): number => Math.ceil(ms / 1000);
