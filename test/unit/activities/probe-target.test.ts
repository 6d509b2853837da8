/**
 * Target by probe: the spec accepts `fromProbe` on fault targets only, with a probe id from the
 * library; pickTargetByProbe runs a real http probe against a local server and turns what it
 * returns into a service or container target, and refuses a probe that names nothing.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pickTargetByProbe } from '../../../src/activities/probe-target';
import { validateAgainstStack } from '../../../src/activities/stack/validate';
import { FaultlineError } from '../../../src/errors';
import { parseExperiment } from '../../../src/spec';
import { loadComposeFile } from '../../../src/spec/compose';
import { ProbeSpec } from '../../../src/spec/probes';
import { describeTarget } from '../../../src/spec/target';
import { FakeClock } from '../fakes/clock';
import { FakeContainerOps } from '../fakes/container-ops';
import { repoPath } from '../../helpers/paths';
import { ANY_PORT } from '../../../src/spec/host-ports';

const MESH = repoPath('infra/docker/docker-compose.mesh.yml');
// The local server's port is not a stack's: these tests are about picking, so any port is allowed.
const deps = { ops: new FakeContainerOps(), clock: new FakeClock(), hostPorts: ANY_PORT };
let server: Server;
let body: unknown = { metaLeader: 'nats-a2' };
let url = '';

beforeAll(async () => {
  server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(body)));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jsz`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const leaderTarget = { fromProbe: { probe: 'meta', select: '$.body.metaLeader' } };
const base = {
  name: 'pick',
  hypothesis: 'h',
  stack: { compose: MESH },
  probes: { meta: { kind: 'jetstream', service: 'nats-a1' } },
  method: [{ fault: { kind: 'container-kill', target: leaderTarget } }],
};

describe('spec', () => {
  it('a fault target may be chosen by a library probe; as defaults to service', () => {
    const exp = parseExperiment(base);
    const step = exp.method[0] as { fault: { target: { fromProbe?: { as: string } } } };
    expect(step.fault.target.fromProbe?.as).toBe('service');
    expect(describeTarget({ ...leaderTarget, fromProbe: { ...leaderTarget.fromProbe, as: 'service' }, mode: 'all' })).toBe(
      'the service named by probe meta at $.body.metaLeader',
    );
    expect(validateAgainstStack(exp, loadComposeFile(MESH))).toEqual([]);
  });

  it('an unknown probe id and a second selector are reported with their paths', () => {
    expect(() => parseExperiment({ ...base, probes: {} })).toThrow(/method\[0\]\.fault\.target\.fromProbe\.probe: unknown probe "meta"/);
    expect(() =>
      parseExperiment({ ...base, method: [{ fault: { kind: 'container-kill', target: { ...leaderTarget, service: 'nats-a1' } } }] }),
    ).toThrow(/exactly one of "service", "container", "labels" or "fromProbe"/);
  });

  it('rollbacks and container probes cannot take a probe-chosen target', () => {
    const exp = parseExperiment({ ...base, rollbacks: [{ action: 'container-start', target: leaderTarget }] });
    expect(validateAgainstStack(exp, loadComposeFile(MESH))).toEqual([
      'rollbacks[0].target.fromProbe: a target chosen by a probe is only supported for faults',
    ]);
  });
});

describe('pickTargetByProbe', () => {
  const probe = () => ProbeSpec.parse({ kind: 'http', url });

  it('turns the selected value into a service or a container target, keeping the mode', async () => {
    body = { metaLeader: 'nats-b3' };
    const r = await pickTargetByProbe(deps, { choice: { probe: 'meta', select: '$.body.metaLeader', as: 'service' }, probe: probe(), mode: 'one' });
    expect(r).toMatchObject({ target: { service: 'nats-b3', mode: 'one' }, value: 'nats-b3', sample: { ok: true } });
    const c = await pickTargetByProbe(deps, { choice: { probe: 'meta', select: '$.body.metaLeader', as: 'container' }, probe: probe(), mode: 'all' });
    expect(c.target).toEqual({ container: 'nats-b3', mode: 'all' });
  });

  it('no leader (null or empty) is a retryable ProbeTargetUnavailable', async () => {
    for (const leader of [null, '']) {
      body = { metaLeader: leader };
      const err = await pickTargetByProbe(deps, { choice: { probe: 'meta', select: '$.body.metaLeader', as: 'service' }, probe: probe(), mode: 'all' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FaultlineError);
      expect(err).toMatchObject({ code: 'ProbeTargetUnavailable', retryable: true });
      expect((err as Error).message).toContain(`expected a non-empty name, got ${JSON.stringify(leader)}`);
    }
  });

  it('a probe that cannot reach its target is ProbeTargetUnavailable with the probe error', async () => {
    const dead = ProbeSpec.parse({ kind: 'http', url: 'http://127.0.0.1:1/jsz' });
    const err = await pickTargetByProbe(deps, { choice: { probe: 'meta', select: '$.body.metaLeader', as: 'service' }, probe: dead, mode: 'all' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ProbeTargetUnavailable' });
    expect((err as Error).message).toContain('the probe failed: GET http://127.0.0.1:1/jsz');
  });
});
