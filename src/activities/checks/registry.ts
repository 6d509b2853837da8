/**
 * The one map from history-check kind to checker, typed against the spec's list: a history check
 * kind without a checker, or a checker for a kind the spec does not know, fails to compile.
 */
import type { CheckOf, HistoryCheckKind } from '../../spec/checks';
import type { Checker } from './checker';
import { failClosed } from './fail-closed';
import { latency } from './latency';
import { noLoss } from './no-loss';
import { successRate } from './success-rate';

type CheckerMap = { [K in HistoryCheckKind]: Checker<CheckOf<K>> };

export const CHECKERS = {
  'no-loss': noLoss,
  'fail-closed': failClosed,
  'success-rate': successRate,
  latency,
} satisfies CheckerMap;

const checkers: CheckerMap = CHECKERS;

export function checkerFor<K extends HistoryCheckKind>(kind: K): Checker<CheckOf<K>> {
  return checkers[kind];
}
