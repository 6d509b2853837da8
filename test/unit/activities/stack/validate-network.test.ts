import { validateAgainstStack } from '../../../../src/activities/stack/validate';
import { parseExperiment } from '../../../../src/spec';
import { loadComposeFile } from '../../../../src/spec/compose';
import { repoPath } from '../../../helpers/paths';

const CHAOS = repoPath('infra/docker/docker-compose.chaos.yml');

function problems(method: unknown[], withStack = true): string[] {
  const stack = { compose: CHAOS, profiles: ['chaos-nats'] };
  const exp = parseExperiment({ name: 'v', hypothesis: 'h', ...(withStack ? { stack } : {}), method });
  return validateAgainstStack(exp, withStack ? loadComposeFile(CHAOS) : undefined, ['chaos-nats']);
}

describe('network and host faults against the stack', () => {
  it('checks partition peers as services of the stack, each with its path', () => {
    expect(problems([{ fault: { kind: 'network-partition', target: { service: 'nats-1' }, peers: ['nats-2', 'nats-9'] } }])).toEqual([
      'method[0].fault.peers[1]: unknown service "nats-9"; services in profiles [chaos-nats]: nats-1, nats-2, nats-3',
    ]);
    expect(problems([{ fault: { kind: 'network-loss', target: { service: 'nats-1' }, peers: ['nats-3'], probability: 0.2 } }])).toEqual([]);
  });

  it('accepts process-kill without a stack, since it has no container target', () => {
    expect(problems([{ fault: { kind: 'process-kill', process: { name: 'agent' } } }], false)).toEqual([]);
  });
});
