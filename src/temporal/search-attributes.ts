/**
 * Search attributes every run sets, so runs can be found in the Web UI and by the janitor
 * (`FaultlinePhase="fault-injected" AND ExecutionStatus!="Running"` finds faults of dead runs).
 */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

export const SA_SCENARIO = defineSearchAttributeKey('FaultlineScenario', SearchAttributeType.KEYWORD);
export const SA_PHASE = defineSearchAttributeKey('FaultlinePhase', SearchAttributeType.KEYWORD);
export const SA_OUTCOME = defineSearchAttributeKey('FaultlineOutcome', SearchAttributeType.KEYWORD);

/** The run's active (injected, not yet restored) fault ids; the janitor looks for closed runs that still list some. */
export const SA_FAULTS = defineSearchAttributeKey('FaultlineFaults', SearchAttributeType.KEYWORD_LIST);

export const SEARCH_ATTRIBUTES = [SA_SCENARIO, SA_PHASE, SA_OUTCOME, SA_FAULTS];

/** The type names `temporal server start-dev --search-attribute` takes. */
const CLI_TYPE: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** The `--search-attribute` flags for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE[k.type] ?? 'Keyword'}`]);
}

export const TASK_QUEUE = 'faultline';
