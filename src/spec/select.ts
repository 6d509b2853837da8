/**
 * Picks the targets of a fault out of the containers that matched its selector. Pure and driven by
 * the caller's `random`, so the workflow's seeded Math.random makes every pick part of history and
 * replays identically. Imported by workflows: no node or I/O imports here.
 */
import { FaultlineError } from '../errors';
import type { SelectionMode } from './target';

/** Only what selection needs, so this file does not depend on the activities' types. */
export interface Selectable {
  name: string;
}

export function describeMode(mode: SelectionMode): string {
  if (typeof mode === 'string') return mode;
  return 'count' in mode ? `count ${mode.count}` : `percent ${mode.percent}`;
}

/** How many of `available` candidates a mode takes: percent rounds up and takes at least one. */
export function selectionSize(mode: SelectionMode, available: number): number {
  if (mode === 'all') return available;
  if (mode === 'one') return 1;
  if ('count' in mode) return mode.count;
  return Math.max(1, Math.ceil((available * mode.percent) / 100));
}

/**
 * Returns the chosen containers in the order they were given (resolveTargets sorts by name).
 * `label` names the target in errors, e.g. `service nats`.
 */
export function selectTargets<T extends Selectable>(
  all: T[],
  mode: SelectionMode,
  random: () => number,
  label = 'target',
): T[] {
  if (all.length === 0) {
    throw new FaultlineError('TargetNotFound', `${label}: no container to select from`, { retryable: false });
  }
  const size = selectionSize(mode, all.length);
  if (size > all.length) {
    throw new FaultlineError(
      'TargetNotFound',
      `${label}: mode ${describeMode(mode)} needs ${size} containers but only ${all.length} match (${all.map((c) => c.name).join(', ')})`,
      { retryable: false, context: { mode, available: all.map((c) => c.name) } },
    );
  }
  if (size === all.length) return [...all];
  // Partial Fisher-Yates over indices: exactly `size` draws, so the number of random() calls, and
  // therefore replay, does not depend on anything but the inputs.
  const idx = all.map((_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.min(idx.length - i - 1, Math.floor(random() * (idx.length - i)));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const chosen = new Set(idx.slice(0, size));
  return all.filter((_, i) => chosen.has(i));
}
