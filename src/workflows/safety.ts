/** Workflow-side helpers of the safety net (leases) shared by the experiment and the janitor. */
import type { Journal } from '../report/journal';
import { quick, summary } from './activities';
import { errorText } from './saga';

/** Releases the run's target leases; a failure is recorded (the residue scan will also see the lease). */
export async function releaseLeases(journal: Journal): Promise<void> {
  try {
    await quick.releaseLeases.executeWithOptions(summary('release target leases'), [{ run: journal.workflowId }]);
  } catch (err) {
    journal.reasons.push(`target leases could not be released: ${errorText(err)}`);
  }
}
