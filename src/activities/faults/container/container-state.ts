/**
 * The state checks the container faults share (and the rollbacks use). Container faults are
 * idempotent by target state: restore drives the container towards "running and unpaused", so
 * repeating it, or running it without an inject, changes nothing.
 */
import { FaultlineError } from '../../../errors';
import { type Clock, type ContainerOps, type ContainerState, isGone } from '../../ports';
import type { TargetContext, TargetOutcome } from '../driver';

/** The ports of every container-level driver. */
export interface DockerPorts {
  ops: ContainerOps;
  clock: Clock;
}

/** How long a restore waits for a started container to report running before it asks for a retry. */
export const RUNNING_WAIT_MS = 20_000;
const POLL_MS = 250;

export const isUp = (s: ContainerState): boolean => s.running && !s.restarting;

/**
 * Starts the target unless it runs, then waits until Docker reports it running. Waiting for health
 * is deliberately left to time-to-green, which measures exactly that.
 */
export async function ensureRunning(ports: DockerPorts, ctx: TargetContext): Promise<TargetOutcome> {
  const { ops } = ports;
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
  const after = await waitUntilUp(ports, ctx);
  if (!after) return { outcome: 'gone' };
  return { outcome: 'restored', detail: before.running ? 'was restarting, now running' : 'started' };
}

async function waitUntilUp(ports: DockerPorts, ctx: TargetContext): Promise<ContainerState | undefined> {
  const { ops, clock } = ports;
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

/** Unpauses the target if it is paused; shared with the `container-unpause` rollback. */
export async function ensureUnpaused(ports: Pick<DockerPorts, 'ops'>, ctx: TargetContext): Promise<TargetOutcome> {
  const { ops } = ports;
  const state = await ops.inspect(ctx.target.id);
  if (!state) return { outcome: 'gone' };
  // Starting a stopped container is not this fault's to do; another fault's restore owns that.
  if (!state.paused) return state.running ? { outcome: 'already-clean' } : { outcome: 'already-clean', detail: 'not paused, not running' };
  try {
    const r = await ops.unpause(ctx.target.id);
    return r === 'done' ? { outcome: 'restored', detail: 'unpaused' } : { outcome: 'already-clean' };
  } catch (err) {
    if (isGone(err)) return { outcome: 'gone' };
    throw err;
  }
}

/** The residue any container fault can leave: a paused, stopped or vanished target. */
export async function containerResidue(ports: Pick<DockerPorts, 'ops'>, ctx: TargetContext): Promise<string[]> {
  const s = await ports.ops.inspect(ctx.target.id);
  const name = ctx.target.name;
  if (!s) return [`${name}: container is gone`];
  if (s.paused) return [`${name}: paused`];
  if (!isUp(s)) return [`${name}: not running (status ${s.status}, exit code ${s.exitCode})`];
  return [];
}

/** Docker takes whole seconds of grace; round up so "500ms" still gives the process a chance. */
export const graceSeconds = (ms: number): number => Math.ceil(ms / 1000);
