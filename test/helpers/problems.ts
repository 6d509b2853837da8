/**
 * The problems parseExperiment reports for a scenario, each `path: message`, or [] when it is valid.
 * Shared by the spec tests that feed one probe or workload into an otherwise minimal scenario.
 */
import { ValidationError } from '../../src/errors';
import { parseExperiment } from '../../src/spec/parse';

export function problemsOf(data: Record<string, unknown>): string[] {
  try {
    parseExperiment({ name: 'x', hypothesis: 'h', method: [{ fault: { kind: 'container-pause', target: { service: 'a' } } }], ...data });
  } catch (err) {
    return (err as { problems: string[] }).problems;
  }
  return [];
}

/** The problems of the ValidationError `fn` throws; a failure when it throws none, or anything else. */
export function validationProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected a ValidationError');
}
