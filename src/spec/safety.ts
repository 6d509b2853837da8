/**
 * Safety settings of an experiment: how long a fault may outlive its planned end before it reverts
 * itself at the target (the dead-man switch), and what happens when another run holds a target.
 */
import { z } from 'zod';
import { Duration, formatDuration, formatMs, Timeout, toMs } from './duration';
import { FAULT_DECLARATION_LIST } from './faults';
import { type Step, isFault, isParallel, isSerial, isWait } from './steps';

export const LeaseSettings = z
  .object({
    /** `wait`: wait for the holder to finish (up to `timeout`); `fail`: end the run with an error at once. */
    onBusy: z.enum(['wait', 'fail']).default('wait'),
    timeout: Timeout.default('5m'),
  })
  .strict();

export const Safety = z
  .object({
    /** Added to every fault's planned length to give its TTL: slack for slow restores and busy workers. */
    grace: Duration.default('30s'),
    lease: LeaseSettings.prefault({}),
  })
  .strict();
export type Safety = z.infer<typeof Safety>;

/**
 * A fault's TTL in ms. An explicit `ttl` wins. A fault with a duration lives for it plus the grace.
 * A fault held until the restore phase lives for the planned rest of the method from where it
 * starts (waits and timed faults, parallel blocks as their longest branch) plus the grace.
 */
export function faultTtlMs(method: Step[], path: string, step: { duration?: Duration; ttl?: Duration }, grace: Duration): number {
  if (step.ttl !== undefined) return toMs(step.ttl);
  if (step.duration !== undefined) return toMs(step.duration) + toMs(grace);
  const { total, starts } = schedule(method);
  return total - (starts.get(path) ?? 0) + toMs(grace);
}

/** Planned start offset of every step path and the planned length of the whole method. */
export function schedule(method: Step[]): { total: number; starts: Map<string, number> } {
  const starts = new Map<string, number>();
  const walk = (steps: Step[], prefix: string, at: number): number => {
    let t = at;
    steps.forEach((s, i) => {
      t = visit(s, `${prefix}[${i}]`, t);
    });
    return t;
  };
  const visit = (s: Step, path: string, at: number): number => {
    starts.set(path, at);
    if (isSerial(s)) return walk(s.serial, `${path}.serial`, at);
    if (isParallel(s)) return Math.max(at, ...s.parallel.map((p, i) => visit(p, `${path}.parallel[${i}]`, at)));
    if (isWait(s)) return at + toMs(s.wait);
    if (isFault(s)) return at + (s.duration !== undefined ? toMs(s.duration) : 0);
    return at;
  };
  return { total: walk(method, 'method', 0), starts };
}

/** The plan's "safety net" lines: each fault's TTL and how it was derived, then the lease policy. */
export function safetyLines(exp: { method: Step[]; safety: Safety }, workflowId: string): string[] {
  const grace = exp.safety.grace;
  const lines: string[] = [];
  const visit = (steps: Step[], prefix: string) =>
    steps.forEach((s, i) => {
      const path = `${prefix}[${i}]`;
      if (isSerial(s)) visit(s.serial, `${path}.serial`);
      if (isParallel(s)) visit(s.parallel, `${path}.parallel`);
      if (!isFault(s)) return;
      const how = s.ttl !== undefined ? 'explicit ttl' : s.duration !== undefined ? `duration + grace ${formatDuration(grace)}` : `rest of the method + grace ${formatDuration(grace)}`;
      const ttl = formatMs(faultTtlMs(exp.method, path, s, grace));
      // Only kinds whose declaration promises a reverter at the target revert themselves.
      const selfReverts = FAULT_DECLARATION_LIST.find((d) => d.kind === s.fault.kind)?.capabilities.selfRevert === true;
      lines.push(
        selfReverts
          ? `${workflowId}/${path}  reverts itself at the target ${ttl} after injection unless restored (${how})`
          : `${workflowId}/${path}  has NO dead-man switch: nothing at the target reverts it; only a worker's restore undoes it`,
      );
    });
  visit(exp.method, 'method');
  const l = exp.safety.lease;
  lines.push(l.onBusy === 'fail' ? 'a target leased by another run ends this run with an error' : `a target leased by another run is waited for, up to ${formatDuration(l.timeout)}`);
  return lines;
}
