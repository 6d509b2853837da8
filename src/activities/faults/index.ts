/**
 * Fault activities: fan one FaultRecord out over its targets. Every target is attempted even when
 * another fails, so a retry after a partial failure only has the missing ones left to change, and
 * the error names each target that failed.
 */
import { FaultlineError } from '../../errors';
import type { FaultSpec } from '../../spec/faults';
import type { ContainerRef, FaultRecord, InjectResult, RestoreResult, VerifyResult } from '../types';
import type { FaultContext, FaultDeps } from './driver';
import { driverFor } from './registry';

export type { FaultDeps, FaultDriver } from './driver';
export { FAULT_DRIVERS } from './registry';

export async function injectFault(deps: FaultDeps, rec: FaultRecord): Promise<InjectResult> {
  const details = await fanOut(deps, rec, 'inject', (ctx) => driverFor(rec.spec.kind).inject(ctx));
  return { injectedAt: deps.clock.now(), details };
}

export async function restoreFault(deps: FaultDeps, rec: FaultRecord): Promise<RestoreResult> {
  const outcomes = await fanOut(deps, rec, 'restore', async (ctx) => {
    const r = await driverFor(rec.spec.kind).restore(ctx);
    return { container: ctx.target.name, ...r };
  });
  return { restoredAt: deps.clock.now(), outcomes };
}

export async function verifyFault(deps: FaultDeps, rec: FaultRecord): Promise<VerifyResult> {
  const lists = await fanOut(deps, rec, 'verify', (ctx) => driverFor(rec.spec.kind).verify(ctx));
  return { residue: lists.flat() };
}

async function fanOut<T>(
  deps: FaultDeps,
  rec: FaultRecord,
  phase: string,
  fn: (ctx: FaultContext<FaultSpec>) => Promise<T>,
): Promise<T[]> {
  if (rec.spec.kind !== rec.kind) {
    throw new FaultlineError('InvalidFault', `fault ${rec.faultId}: record kind ${rec.kind} != spec kind ${rec.spec.kind}`, {
      retryable: false,
    });
  }
  const settled = await Promise.allSettled(
    rec.targets.map((target: ContainerRef) => fn({ deps, fault: rec.spec, target, faultId: rec.faultId })),
  );
  const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ target: rec.targets[i], error: s.reason as unknown }] : []));
  if (failures.length === 0) return settled.map((s) => (s as PromiseFulfilledResult<T>).value);

  const lines = failures.map((f) => `${f.target.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
  // Retrying helps unless every failure is one a retry cannot fix (a vanished target, bad input).
  const retryable = failures.some((f) => !(f.error instanceof FaultlineError) || f.error.retryable);
  const code = failures.length === 1 && failures[0].error instanceof FaultlineError ? failures[0].error.code : `${capitalize(phase)}Failed`;
  throw new FaultlineError(code, `${phase} ${rec.kind} (${rec.faultId}) failed on ${failures.length} of ${rec.targets.length} target(s): ${lines.join('; ')}`, {
    retryable,
    cause: failures[0].error,
    context: { faultId: rec.faultId, failed: failures.map((f) => f.target.name) },
  });
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
