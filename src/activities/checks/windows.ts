/**
 * Which of a workload's operations fall in a window of the run, the same way for every check:
 * `before` finished before the first inject was requested; `during` started inside a fault window
 * (from the end of an inject to the request of its restore, or to the end of the history when it
 * was never restored); `after` started `settleMs` after the last restore; `all` is every operation.
 * The ends are conservative: the fault certainly held in between.
 */
import type { Operation } from '../workloads/history';
import type { RunWindows } from './checker';

export type WindowName = 'before' | 'during' | 'after' | 'all';

const NEVER = Number.MAX_SAFE_INTEGER;

export function operationsIn(ops: Operation[], w: RunWindows, window: WindowName, settleMs = 0): Operation[] {
  switch (window) {
    case 'before': {
      const end = w.firstFaultAt ?? NEVER;
      return ops.filter((o) => (o.doneAt ?? NEVER) < end);
    }
    case 'during':
      return ops.filter((o) => w.faults.some((f) => o.invokedAt >= f.from && o.invokedAt <= (f.to ?? NEVER)));
    case 'after': {
      const start = (w.lastRestoreAt ?? NEVER) + settleMs;
      return ops.filter((o) => o.invokedAt >= start);
    }
    case 'all':
      return ops;
  }
}
