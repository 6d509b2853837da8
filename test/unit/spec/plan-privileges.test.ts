/**
 * The plan tells the truth about privilege: host commands with the restart the policy would use
 * (or none), the stack's bind mounts, the privileged helpers from the fault declarations, and the
 * faults without a dead-man switch, in `faultline plan` and in the workflow's static details.
 */
import { type ExperimentInput, parseExperiment } from '../../../src/spec';
import { planDetails, renderPlan } from '../../../src/spec/plan';

const exp = parseExperiment({
  name: 'privileges',
  hypothesis: 'h',
  stack: { compose: '/srv/compose.yml' },
  method: [
    { fault: { kind: 'process-kill', process: { name: 'agent' } }, duration: '1s' },
    { fault: { kind: 'process-kill', process: { pidFile: '/run/x.pid' }, restart: 'x-daemon', signal: 'SIGTERM' }, duration: '1s' },
    { fault: { kind: 'container-restart', target: { service: 'api' } } },
    { fault: { kind: 'container-pause', target: { service: 'api' } }, duration: '1s' },
    { fault: { kind: 'network-partition', target: { service: 'api' }, ports: [5432] }, duration: '1s' },
  ],
} satisfies ExperimentInput);

function section(plan: string, title: string): string[] {
  const lines = plan.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) throw new Error(`no section "${title}" in:\n${plan}`);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim());
}

test('host commands: the restart the policy would use, or none: cannot be restarted', () => {
  const withPolicy = renderPlan(exp, { restarts: { agent: ['/usr/sbin/agent', '--daemon'] } });
  expect(section(withPolicy, 'host commands')).toEqual([
    'method[0]  SIGKILL to host process agent (only on a worker whose policy allows it); restart: /usr/sbin/agent --daemon',
    'method[1]  SIGTERM to host process of /run/x.pid (only on a worker whose policy allows it); restart: none: cannot be restarted',
  ]);
  // Without the policy the plan names the command it would look up, and says what happens without it.
  expect(section(renderPlan(exp), 'host commands')[1]).toMatch(/restart: the worker policy's command "x-daemon", if it has one; else none: cannot be restarted$/);
});

test('bind mounts with source → target and ro/rw', () => {
  const plan = renderPlan(exp, { binds: [{ service: 'api', source: '/srv/conf', target: '/etc/api', readOnly: true }, { service: 'db', source: '/srv/data', target: '/data', readOnly: false }] });
  expect(section(plan, 'bind mounts')).toEqual(['api: /srv/conf → /etc/api (ro)', 'db: /srv/data → /data (rw)']);
  expect(section(renderPlan(exp, { binds: [] }), 'bind mounts')).toEqual(['none']);
});

test('privileged helpers come from the declarations: Docker socket or NET_ADMIN in a netns', () => {
  const helpers = section(renderPlan(exp), 'privileged helpers');
  expect(helpers).toEqual([
    expect.stringMatching(/^method\[3\] {2}pause .*: a dead-man reverter with the Docker socket \(network none\)$/),
    expect.stringMatching(/^method\[4\] {2}.*: a dead-man reverter with NET_ADMIN in the target's network namespace$/),
  ]);
});

test('faults without a dead-man switch are named, and the safety net does not claim they revert themselves', () => {
  const plan = renderPlan(exp);
  expect(section(plan, 'without a dead-man switch').map((l) => l.split('  ')[0])).toEqual(['method[0]', 'method[1]', 'method[2]']);
  const safety = section(plan, 'safety net');
  for (const p of ['method[0]', 'method[1]', 'method[2]']) {
    const line = safety.find((l) => l.includes(`/${p} `));
    expect(line).toMatch(/has NO dead-man switch/);
    expect(line).not.toMatch(/reverts itself/);
  }
  expect(safety.find((l) => l.includes('/method[3] '))).toMatch(/reverts itself at the target/);
});

test("the workflow's static details carry the host commands, helpers and the faults without a switch", () => {
  const md = planDetails(exp);
  expect(md).toContain('**host commands**');
  expect(md).toContain('**privileged helpers**');
  expect(md).toMatch(/\*\*no dead-man switch\*\*\n- method\[0\]/);
});

test('host ports: each port the scenario reaches outside its stack, with the verdict of the worker policy given', () => {
  const probing = parseExperiment({
    name: 'host-ports',
    hypothesis: 'h',
    probes: { db: { kind: 'tcp', host: '127.0.0.1', port: 5432 }, ui: { kind: 'http', url: 'http://127.0.0.1:8233/' } },
    steadyState: [{ probe: 'db' }, { probe: 'ui' }],
    method: [{ fault: { kind: 'container-pause', target: { container: 'db' } }, duration: '1s' }],
  } satisfies ExperimentInput);
  expect(section(renderPlan(probing, { hostPorts: [{ from: 5432, to: 5432 }] }), 'host ports')).toEqual([
    '5432: allowed by the worker policy',
    '8233: refused by this worker policy unless the stack publishes it (faultline run allows it for its own worker)',
  ]);
  expect(section(renderPlan(probing), 'host ports')[0]).toMatch(/^5432: faultline run allows it for its own worker; a standalone worker only if its policy lists it/);
  // A scenario that reaches nothing outside its stack has no such section.
  expect(renderPlan(exp)).not.toContain('host ports');
});
