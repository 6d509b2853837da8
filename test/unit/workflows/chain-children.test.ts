/**
 * How a chain's outcome follows from its children's outcomes and its own typed facts (why it
 * stopped, whether it erred, whether the shared stack came down): one case per rule; and which workflow type a named scenario step starts.
 */
import { chainOutcome, scenarioType, stopText } from '../../../src/workflows/chain-children';
import { SCENARIO_TYPES } from '../../../src/workflows/scenario-types.generated';

describe('chainOutcome', () => {
  test('all children passed and nothing happened to the chain: passed', () => {
    expect(chainOutcome(['passed', 'passed'], {})).toBe('passed');
    expect(chainOutcome([], {})).toBe('passed');
  });

  test('a dirty child outranks an error and an abort', () => {
    expect(chainOutcome(['error', 'dirty'], { stop: { kind: 'aborted', reason: 'x' }, error: 'boom' })).toBe('dirty');
  });

  test('a shared stack that did not come down makes the chain dirty', () => {
    expect(chainOutcome(['passed'], { teardownFailed: true, error: 'boom' })).toBe('dirty');
  });

  test('a child that could not run makes the chain an error, over an abort', () => {
    expect(chainOutcome(['error', 'aborted'], { stop: { kind: 'aborted', reason: 'x' } })).toBe('error');
  });

  test('the chain erring itself (no child at fault) makes it an error', () => {
    expect(chainOutcome([], { error: 'shared stack up failed' })).toBe('error');
  });

  test('an abort signal makes the chain aborted, over failed children', () => {
    expect(chainOutcome(['failed', 'aborted'], { stop: { kind: 'aborted', reason: 'game day over' } })).toBe('aborted');
  });

  test('a stop because a child failed reads failed, and so does a sibling cancelled by it', () => {
    expect(chainOutcome(['failed', 'aborted'], { stop: { kind: 'stopped', path: 'steps[0]', outcome: 'failed' } })).toBe('failed');
    expect(chainOutcome(['passed', 'aborted'], { stop: { kind: 'stopped', path: 'steps[1]', outcome: 'aborted' } })).toBe('failed');
  });

  test('with continueOnFailure there is no stop, and a failed child still fails the chain', () => {
    expect(chainOutcome(['failed', 'passed'], {})).toBe('failed');
  });
});

test('stops read as the chain has always worded them', () => {
  expect(stopText({ kind: 'aborted', reason: 'abort requested' })).toBe('aborted: abort requested');
  expect(stopText({ kind: 'stopped', path: 'steps[1].parallel[0]', outcome: 'dirty' })).toBe('stopped: steps[1].parallel[0] ended dirty');
});

test('a named scenario is its generated workflow type, by file name with or without extension or by type name', () => {
  expect(scenarioType('nats-kill-recovery')).toBe('natsKillRecovery');
  expect(scenarioType('nats-kill-recovery.yaml')).toBe('natsKillRecovery');
  expect(scenarioType('natsKillRecovery')).toBe('natsKillRecovery');
  // Every generated type is reachable by its file name: one naming rule, the generator's.
  for (const [file, type] of Object.entries(SCENARIO_TYPES)) expect(scenarioType(file.replace(/\.ya?ml$/, ''))).toBe(type);
  expect(scenarioType('someOtherType')).toBe('someOtherType');
});
