import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

/**
 * Search attributes every run sets, so runs can be found in the Web UI and by the janitor
 * (`FaultlinePhase="fault-injected" AND ExecutionStatus!="Running"` finds faults of dead runs).
 */
export const SA_SCENARIO = defineSearchAttributeKey('FaultlineScenario', SearchAttributeType.KEYWORD);
export const SA_PHASE = defineSearchAttributeKey('FaultlinePhase', SearchAttributeType.KEYWORD);
export const SA_OUTCOME = defineSearchAttributeKey('FaultlineOutcome', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [SA_SCENARIO, SA_PHASE, SA_OUTCOME];

/** The `--search-attribute` flags for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
}

export const TASK_QUEUE = 'faultline';
