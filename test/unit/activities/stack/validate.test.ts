import { validateAgainstStack } from '../../../../src/activities/stack/validate';
import { type ExperimentInput, parseExperiment } from '../../../../src/spec';
import { loadComposeFile } from '../../../../src/spec/compose';
import { repoPath } from '../../../helpers/paths';

const CHAOS = repoPath('infra/docker/docker-compose.chaos.yml');
const FULL = repoPath('test/fixtures/compose/full.yml');
const chaos = loadComposeFile(CHAOS);
const kill = (target: Record<string, unknown>) => ({ fault: { kind: 'container-kill', target } });

function experiment(extra: Partial<ExperimentInput>, stack: ExperimentInput['stack'] = { compose: CHAOS, profiles: ['chaos-nats'] }) {
  return parseExperiment({ name: 'v', hypothesis: 'h', stack, method: [kill({ service: 'nats-1' })], ...extra });
}
const NATS = 'services in profiles [chaos-nats]: nats-1, nats-2, nats-3';

describe('validateAgainstStack', () => {
  it('accepts targets and endpoints that exist', () => {
    const exp = experiment({
      probes: { health: { kind: 'http', service: 'nats-1', port: 8222, path: '/healthz' } },
      steadyState: [{ probe: 'health' }, { probe: { kind: 'nats', service: 'nats-2', via: { service: 'nats-3', port: 4222 } } }],
      continuous: [{ probe: { kind: 'tcp', service: 'nats-3', port: 4222 } }],
      method: [kill({ service: 'nats-1' }), kill({ container: 'nats-2-1' }), kill({ labels: { 'com.docker.compose.service': 'nats-3' } })],
      rollbacks: [{ action: 'container-start', target: { service: 'nats-1' } }],
      checks: [{ kind: 'time-to-green', probe: { kind: 'tcp', host: '127.0.0.1', port: 9 }, within: '10s' }],
    });
    expect(validateAgainstStack(exp, chaos, ['chaos-nats'])).toEqual([]);
  });

  it('reports unknown services in faults, nested steps, container probes and rollbacks with their paths', () => {
    const exp = experiment({
      method: [
        kill({ service: 'pg' }),
        { parallel: [{ serial: [kill({ service: 'nats-9' })] }, { probe: { kind: 'container', target: { service: 'redis' } } }] },
      ],
      rollbacks: [{ action: 'container-start', target: { service: 'pg' } }],
    });
    expect(validateAgainstStack(exp, chaos, ['chaos-nats'])).toEqual([
      `method[0].fault.target.service: unknown service "pg"; ${NATS}`,
      `method[1].parallel[0].serial[0].fault.target.service: unknown service "nats-9"; ${NATS}`,
      `method[1].parallel[1].probe.target.service: unknown service "redis"; ${NATS}`,
      `rollbacks[0].target.service: unknown service "pg"; ${NATS}`,
    ]);
  });

  it('reports endpoints on unknown services or unpublished ports, everywhere probes are written', () => {
    const exp = experiment({
      probes: { bad: { kind: 'http', service: 'nats-1', port: 9999 } },
      steadyState: [{ probe: { kind: 'tcp', service: 'pg', port: 5432 } }],
      continuous: [{ probe: { kind: 'nats', service: 'nats-1', via: { service: 'nats-2', port: 6222 } } }],
      checks: [{ kind: 'time-to-green', probe: { kind: 'postgres', service: 'nats-1', sql: 'select 1' }, within: '5s' }],
      method: [kill({ service: 'nats-1' }), { probe: 'bad' }, { probe: { kind: 'tcp', service: 'nats-2', port: 1 } }],
    });
    expect(validateAgainstStack(exp, chaos, ['chaos-nats'])).toEqual([
      'probes.bad.port: service "nats-1" does not publish container port 9999; it publishes 4222, 8222 (add "9999" to its ports)',
      `steadyState[0].probe.service: unknown service "pg"; ${NATS}`,
      'continuous[0].probe.via.port: service "nats-2" does not publish container port 6222; it publishes 4222, 8222 (add "6222" to its ports)',
      'checks[0].probe.port: service "nats-1" does not publish container port 5432; it publishes 4222, 8222 (add "5432" to its ports)',
      'method[2].probe.port: service "nats-2" does not publish container port 1; it publishes 4222, 8222 (add "1" to its ports)',
    ]);
  });

  it('matches containers by container_name, <service>-1, or the full name when the project is fixed', () => {
    const full = loadComposeFile(FULL);
    const stack = { compose: FULL, profiles: ['web'], project: 'demo' };
    const exp = experiment(
      { method: [kill({ container: 'full-db' }), kill({ container: 'api-1' }), kill({ container: 'demo-cache-1' }), kill({ container: 'db-1' })] },
      stack,
    );
    expect(validateAgainstStack(exp, full, ['web'])).toEqual([
      'method[3].fault.target.container: no container named "db-1"; containers in profiles [web]: full-db, api-1, cache-1',
    ]);
  });

  it('matches labels against compose labels and the labels stack up adds', () => {
    const full = loadComposeFile(FULL);
    const exp = experiment(
      {
        method: [
          kill({ labels: { role: 'api' } }),
          kill({ labels: { tier: 'backend', 'faultline.service': 'db', 'faultline.project': 'anything' } }),
          kill({ labels: { role: 'db' } }),
        ],
      },
      { compose: FULL, profiles: ['web'] },
    );
    expect(validateAgainstStack(exp, full, ['web'])).toEqual(['method[2].fault.target.labels: no service in profiles [web] has the labels role=db']);
  });

  it('explains a service that exists in a profile that is not selected', () => {
    const full = loadComposeFile(FULL);
    const exp = experiment({ method: [kill({ service: 'worker' })] }, { compose: FULL, profiles: ['web'] });
    expect(validateAgainstStack(exp, full, ['web'])).toEqual([
      'method[0].fault.target.service: service "worker" is only in profiles [batch], which stack.profiles [web] does not select',
    ]);
  });

  it('reports unknown profiles instead of a flood of unknown services', () => {
    const exp = experiment({}, { compose: CHAOS, profiles: ['chaos-pg'] });
    expect(validateAgainstStack(exp, chaos, ['chaos-pg'])).toEqual(['stack.profiles: unknown profile "chaos-pg"; known profiles: chaos-nats, chaos-outbox, chaos-opa']);
  });

  it('rejects service endpoints and targets in an experiment without a stack', () => {
    const exp = parseExperiment({
      name: 'v',
      hypothesis: 'h',
      steadyState: [{ probe: { kind: 'tcp', service: 'nats-1', port: 4222 } }, { probe: { kind: 'tcp', port: 4222 } }],
      method: [kill({ service: 'nats-1' })],
    });
    expect(validateAgainstStack(exp, undefined, [])).toEqual([
      'steadyState[0].probe.service: a service endpoint needs a stack, and this experiment has no "stack" section; give "host" and "port" instead',
      'method[0].fault.target.service: a target by service needs a stack, and this experiment has no "stack" section; without one, select containers across the Docker engine by "container" name or "labels"',
    ]);
  });

  it('without a stack, fault targets by container name or labels are accepted; service peers and container probes are not', () => {
    const exp = parseExperiment({
      name: 'v',
      hypothesis: 'h',
      steadyState: [{ probe: { kind: 'container', target: { container: 'web' } } }],
      method: [
        kill({ container: 'my-web' }),
        kill({ labels: { app: 'web' } }),
        { fault: { kind: 'network-partition', target: { container: 'my-web' }, peers: ['db'] }, duration: '1s' },
      ],
    });
    expect(validateAgainstStack(exp, undefined, [])).toEqual([
      'steadyState[0].probe.target.container: a target needs a stack, and this experiment has no "stack" section',
      'method[2].fault.peers[0]: a service needs a stack, and this experiment has no "stack" section',
    ]);
  });
});
