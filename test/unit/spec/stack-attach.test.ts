/**
 * The stack section's two forms: a compose file Faultline starts, or a running compose project it
 * attaches to; plus `share`. Problems are path-qualified ValidationErrors, as everywhere else.
 */
import { ValidationError } from '../../../src/errors';
import { parseExperiment, stackProject } from '../../../src/spec';
import { checkAgainstStack } from '../../../src/activities/stack/check';
import { renderPlan } from '../../../src/spec/plan';

const base = {
  name: 'attach-spec',
  hypothesis: 'the stack section is checked',
  method: [{ fault: { kind: 'container-pause', target: { service: 'web' } }, duration: '1s' }],
};

function problems(stack: unknown): string[] {
  try {
    parseExperiment({ ...base, stack }, 'scenario.yaml');
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  return [];
}

test('attach alone is a valid stack; its project is the attached one', () => {
  expect(problems({ attach: { project: 'shop' } })).toEqual([]);
  const exp = parseExperiment({ ...base, stack: { attach: { project: 'shop' } } });
  expect(stackProject(exp.stack!, 'fl-derived')).toBe('shop');
  // share is absent unless given, so inputs recorded before it existed stay the same.
  expect('share' in exp.stack!).toBe(false);
});

test('a compose stack still derives its project, or takes the one given (negative control)', () => {
  const exp = parseExperiment({ ...base, stack: { compose: 'c.yml' } });
  expect(stackProject(exp.stack!, 'fl-derived')).toBe('fl-derived');
  expect(stackProject(parseExperiment({ ...base, stack: { compose: 'c.yml', project: 'p', share: true } }).stack!, 'x')).toBe('p');
});

test('attach and compose exclude each other; one of them is needed', () => {
  expect(problems({ compose: 'c.yml', attach: { project: 'shop' } })).toEqual([expect.stringMatching(/^stack\.attach: "attach" and "compose" exclude each other/)]);
  expect(problems({ profiles: ['a'] })).toEqual([expect.stringMatching(/^stack\.compose: give "compose" .* or "attach"/)]);
});

test('what only a started stack has is refused on an attached one, with its path', () => {
  expect(problems({ attach: { project: 'shop' }, project: 'other' })).toEqual([expect.stringMatching(/^stack\.project: .*attach\.project/)]);
  expect(problems({ attach: { project: 'shop' }, profiles: ['x'] })).toEqual([expect.stringMatching(/^stack\.profiles: /)]);
  expect(problems({ attach: { project: 'shop' }, share: true })).toEqual([expect.stringMatching(/^stack\.share: /)]);
  expect(problems({ attach: { project: 'Shop!' } })[0]).toMatch(/^stack\.attach\.project: /);
  expect(problems({ attach: { project: 'shop', extra: 1 } })[0]).toMatch(/^stack\.attach/);
});

test('targets on an attached stack are checked at run time, not refused for want of a compose file', () => {
  const exp = parseExperiment({ ...base, stack: { attach: { project: 'shop' } }, probes: { up: { kind: 'tcp', service: 'web', port: 80 } }, steadyState: [{ probe: 'up' }] });
  expect(checkAgainstStack(exp, 'scenario.yaml')).toEqual({ services: [] });
  // Negative control: the same targets with no stack at all are refused.
  const none = parseExperiment({ ...base, probes: { up: { kind: 'tcp', service: 'web', port: 80 } }, steadyState: [{ probe: 'up' }] });
  expect(() => checkAgainstStack(none, 'scenario.yaml')).toThrow(/needs a stack/);
});

test('the plan says an attached stack is never torn down', () => {
  const plan = renderPlan(parseExperiment({ ...base, stack: { attach: { project: 'shop' } } }), { attached: ['now: 1 container(s)', 'shop-web-1  service web  running'] });
  expect(plan).toContain('attach    compose project shop');
  expect(plan).toContain('shop-web-1  service web  running');
  expect(plan).toContain('teardown  never');
  expect(plan).toContain('attached stack left running');
});
