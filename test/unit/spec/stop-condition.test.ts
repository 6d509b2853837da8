/** Stop conditions in the language: defaults, validation, and how the plan shows them. */
import { parseExperiment } from '../../../src/spec';
import { renderPlan } from '../../../src/spec/plan';

const base = {
  name: 'stop',
  hypothesis: 'h',
  stack: { compose: '/nonexistent/compose.yml' },
  probes: { up: { kind: 'tcp', host: '127.0.0.1', port: 1 } },
  method: [{ fault: { kind: 'container-pause', target: { service: 'a' } }, duration: '1s' }],
};

test('continuous probes are not stop conditions unless marked', () => {
  const exp = parseExperiment({ ...base, continuous: [{ probe: 'up' }] });
  expect(exp.continuous[0]).toMatchObject({ abortOnFail: false, failuresToAbort: 1 });
  expect(renderPlan(exp)).not.toContain('STOP CONDITION');
});

test('a marked probe shows as a stop condition in the plan', () => {
  const exp = parseExperiment({ ...base, continuous: [{ probe: 'up', every: '500ms', abortOnFail: true, failuresToAbort: 3 }] });
  expect(renderPlan(exp)).toContain('STOP CONDITION: 3 failed in a row during chaos aborts the run');
});

test('failuresToAbort must be a whole number of at least 1', () => {
  expect(() => parseExperiment({ ...base, continuous: [{ probe: 'up', abortOnFail: true, failuresToAbort: 0 }] })).toThrow(/failuresToAbort/);
});
