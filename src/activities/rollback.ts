/**
 * User rollbacks: actions a scenario asks for after the automatic restores, whatever happened.
 * start and unpause are idempotent by target state; restart restarts again when retried, which is
 * what a user asking for a restart after the run wants anyway.
 */
import { FaultlineError } from '../errors';
import { type DockerPorts, ensureRunning, ensureUnpaused } from './faults/container/container-state';
import type { TargetContext, TargetOutcome } from './faults/driver';
import { isGone } from './ports';
import type { RestoreResult, RollbackAction, RollbackInput } from './types';

/** The grace Docker itself uses for a restart without `-t`. */
const RESTART_GRACE_SEC = 10;

const ACTIONS: { [A in RollbackAction]: (ports: DockerPorts, ctx: TargetContext) => Promise<TargetOutcome> } = {
  'container-start': ensureRunning,
  'container-unpause': ensureUnpaused,
  'container-restart': async (ports, ctx) => {
    try {
      await ports.ops.restart(ctx.target.id, RESTART_GRACE_SEC);
    } catch (err) {
      if (isGone(err)) return { outcome: 'gone' };
      throw err;
    }
    const r = await ensureRunning(ports, ctx);
    return r.outcome === 'gone' ? r : { outcome: 'restored', detail: 'restarted' };
  },
};

export async function runRollback(deps: DockerPorts, input: RollbackInput): Promise<RestoreResult> {
  const action = ACTIONS[input.action];
  const settled = await Promise.allSettled(
    input.targets.map((target) => action(deps, { target, faultId: `rollback/${input.action}` })),
  );
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${input.targets[i].name}: ${errorMessage(s.reason)}`] : []));
  if (failed.length > 0) {
    throw new FaultlineError('RollbackFailed', `rollback ${input.action} failed on ${failed.length} target(s): ${failed.join('; ')}`, {
      context: { action: input.action, failed },
    });
  }
  return {
    restoredAt: deps.clock.now(),
    outcomes: settled.map((s, i) => ({ container: input.targets[i].name, ...(s as PromiseFulfilledResult<TargetOutcome>).value })),
  };
}

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
