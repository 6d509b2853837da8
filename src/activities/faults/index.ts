/**
 * Fault activities: fan one FaultRecord out over its targets, at most `limit` at a time (bounded.ts).
 * Every target is attempted even when another fails, so a retry after a partial failure only has
 * the missing ones left to change, and the error names each target that failed.
 */
import { FaultlineError } from '../../errors';
import { DEFAULT_FAN_OUT, mapSettled } from '../bounded';
import type { FaultSpec } from '../../spec/faults';
import type { ContainerRef, FaultRecord, InjectResult, RestoreResult, VerifyResult } from '../types';
import type { FaultContext, SelfRevert } from './driver';
import { type FaultDrivers, driverFor } from './registry';

export type { FaultDriver, FaultPorts, SelfRevert } from './driver';
export { type FaultDrivers, createFaultDrivers } from './registry';

export async function injectFault(drivers: FaultDrivers, rec: FaultRecord, limit = DEFAULT_FAN_OUT): Promise<InjectResult> {
  const done = await fanOut(rec, 'inject', limit, async (ctx) => {
    const detail = await driverFor(drivers, rec.spec.kind).inject(ctx);
    return { detail, at: drivers.clock.now() };
  });
  return {
    injectedAt: drivers.clock.now(),
    details: done.map((d) => d.detail),
    targets: done.map((d, i) => ({ container: rec.targets[i].name, injectedAt: d.at })),
  };
}

export async function restoreFault(drivers: FaultDrivers, rec: FaultRecord, limit = DEFAULT_FAN_OUT): Promise<RestoreResult> {
  const outcomes = await fanOut(rec, 'restore', limit, async (ctx) => {
    const r = await driverFor(drivers, rec.spec.kind).restore(ctx);
    return { container: ctx.target.name, ...r };
  });
  return { restoredAt: drivers.clock.now(), outcomes };
}

export async function verifyFault(drivers: FaultDrivers, rec: FaultRecord, limit = DEFAULT_FAN_OUT): Promise<VerifyResult> {
  const lists = await fanOut(rec, 'verify', limit, (ctx) => driverFor(drivers, rec.spec.kind).verify(ctx));
  return { residue: lists.flat() };
}

/** The dead-man switch script for one target of the record; undefined when its kind has none. */
export function selfRevertFor(drivers: FaultDrivers, rec: FaultRecord, target: ContainerRef): SelfRevert | undefined {
  return driverFor(drivers, rec.spec.kind).selfRevert?.({ fault: rec.spec, target, faultId: rec.faultId });
}

async function fanOut<T>(rec: FaultRecord, phase: string, limit: number, fn: (ctx: FaultContext<FaultSpec>) => Promise<T>): Promise<T[]> {
  if (rec.spec.kind !== rec.kind) {
    throw new FaultlineError('InvalidFault', `fault ${rec.faultId}: record kind ${rec.kind} != spec kind ${rec.spec.kind}`, {
      retryable: false,
    });
  }
  const settled = await mapSettled(rec.targets, limit, (target: ContainerRef) => fn({ fault: rec.spec, target, faultId: rec.faultId }));
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
