/**
 * Invalid workflow input must fail the workflow, not just its task: a plain Error would retry the
 * task forever while the run stays Running. Every problem is listed, non-retryable.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { errorText } from '../errors';

export function parseOrFail<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const problems = (err as { problems?: string[] }).problems ?? [errorText(err)];
    throw ApplicationFailure.nonRetryable(`invalid ${what}:\n  - ${problems.join('\n  - ')}`, 'InvalidScenario', { problems });
  }
}
