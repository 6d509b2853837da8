/**
 * Temporal's time-skipping test server for workflow tests that wait on timers: a 10-minute fault
 * window passes in milliseconds while the test awaits a result, and `sleep` moves workflow time on
 * purpose. The server is the Java SDK's (io.temporal:temporal-test-server), installed by
 * scripts/setup.sh because the SDK's own download needs the internet; FAULTLINE_TEST_SERVER may
 * name another copy of the same wrapper.
 */
import { existsSync } from 'node:fs';
import { SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { repoPath } from './paths';

export const TEST_SERVER = process.env.FAULTLINE_TEST_SERVER ?? repoPath('.faultline/tools/temporal-test-server/bin/temporal-test-server');

/** IndexedValueType in temporal.api.enums.v1. */
const INDEXED: Partial<Record<SearchAttributeType, number>> = { [SearchAttributeType.KEYWORD]: 2, [SearchAttributeType.KEYWORD_LIST]: 7 };

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  if (!existsSync(TEST_SERVER)) throw new Error(`no Temporal test server at ${TEST_SERVER}: run scripts/setup.sh (or set FAULTLINE_TEST_SERVER)`);
  // The SDK gives the server 5 s to listen; a JVM on a busy machine may miss that once.
  let env: TestWorkflowEnvironment | undefined;
  for (let attempt = 1; !env; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEST_SERVER } } });
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
  // The test server has no ListSearchAttributes, so register ours without asking what it has.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED[k.type] ?? 2])),
  });
  return env;
}
