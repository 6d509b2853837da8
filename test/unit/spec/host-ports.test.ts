/**
 * Host endpoints reach only their stack's published ports or the ports the worker allows: the pure
 * rules (entries, the ports a scenario names), then the real endpoint resolution and runProbe,
 * which fail the activity instead of sampling when a port is not allowed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostPortRefused, endpointAddress, resolveAddress } from '../../../src/activities/probes/endpoint';
import { runProbe } from '../../../src/activities/probes';
import { parseExperiment } from '../../../src/spec';
import { ANY_PORT, declaredHostPorts, describePorts, parsePortEntry, portAllowed, urlPort } from '../../../src/spec/host-ports';
import { ProbeSpec } from '../../../src/spec/probes';
import { FakeClock } from '../fakes/clock';
import { FakeContainerOps } from '../fakes/container-ops';

test('policy entries: a port, a range, any; nonsense is no entry', () => {
  expect(parsePortEntry(5432)).toEqual({ from: 5432, to: 5432 });
  expect(parsePortEntry('8000-8099')).toEqual({ from: 8000, to: 8099 });
  expect(parsePortEntry('*')).toEqual(ANY_PORT[0]);
  for (const bad of [0, 65536, '9-1', '1-70000', 'http', '', '80-', -1]) expect(parsePortEntry(bad)).toBeUndefined();
  expect(portAllowed(8050, [{ from: 8000, to: 8099 }])).toBe(true);
  expect(portAllowed(8100, [{ from: 8000, to: 8099 }])).toBe(false);
  expect(portAllowed(1, undefined)).toBe(false);
  expect(describePorts([{ from: 80, to: 80 }, { from: 9000, to: 9009 }])).toBe('80, 9000-9009');
  expect(describePorts(ANY_PORT)).toBe('any');
  expect(describePorts(undefined)).toBe('none');
  expect(urlPort('http://127.0.0.1/x')).toBe(80);
  expect(urlPort('https://localhost/x')).toBe(443);
  expect(urlPort('http://[::1]:8222/varz')).toBe(8222);
});

test('the host ports a scenario names: host endpoints, monitor ports and URLs, never service ports', () => {
  const exp = parseExperiment(
    {
      name: 'ports',
      hypothesis: 'h',
      probes: {
        db: { kind: 'postgres', host: '127.0.0.1', port: 5433, sql: 'select 1', password: { env: 'PGPASSWORD' } },
        web: { kind: 'http', url: 'http://127.0.0.1:8080/health' },
        svc: { kind: 'tcp', service: 'nats', port: 4222 },
        bare: { kind: 'tcp', port: 7000 },
      },
      steadyState: [{ probe: 'db' }, { probe: { kind: 'nats', service: 'nats', port: 4222, via: { host: '127.0.0.1', port: 14222 } } }],
      continuous: [{ probe: 'web', every: '1s' }],
      workloads: [{ id: 'w', kind: 'http-load', rate: '1/s', host: 'localhost', port: 9000 }],
      method: [{ fault: { kind: 'container-pause', target: { container: 'x' } }, duration: '1s' }],
    },
    'ports.yaml',
  );
  expect(declaredHostPorts(exp)).toEqual([5433, 7000, 8080, 9000, 14222]);
});

describe('at run time', () => {
  const stack = { project: 'p', ports: { 'nats:4222': 41000 }, services: ['nats'] };

  test('a host endpoint on a port the stack published is allowed; any other needs the worker', async () => {
    expect(endpointAddress({ host: '127.0.0.1', port: 41000 }, { stack })).toEqual({ host: '127.0.0.1', port: 41000 });
    expect(() => endpointAddress({ host: '127.0.0.1', port: 7233 }, { stack })).toThrow(HostPortRefused);
    expect(() => endpointAddress({ host: '127.0.0.1', port: 7233 }, { stack })).toThrow(
      'refusing to reach 127.0.0.1:7233: a host endpoint may use only a port its stack published (41000) or one the worker allows (none)',
    );
    expect(() => endpointAddress({ port: 8233 }, {})).toThrow('(no stack) or one the worker allows (none)');
    // A service endpoint is the stack's own by construction.
    expect(endpointAddress({ service: 'nats', port: 4222 }, { stack })).toEqual({ host: '127.0.0.1', port: 41000 });
    // Allowed by the worker's policy.
    expect(await resolveAddress({ host: '127.0.0.1', port: 7233 }, { hostPorts: [{ from: 7000, to: 7999 }] })).toEqual({ host: '127.0.0.1', port: 7233 });
    const refused = (() => {
      try {
        endpointAddress({ host: 'localhost', port: 1 }, {});
      } catch (e) {
        return e as HostPortRefused;
      }
    })();
    expect(refused?.retryable).toBe(false);
  });

  test('runProbe fails the activity for a refused port (tcp and http url) and never connects', async () => {
    let requests = 0;
    const server = createServer((_req, res) => (requests++, res.end('ok')));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    try {
      const deps = { ops: new FakeContainerOps(), clock: new FakeClock() };
      await expect(runProbe(deps, { probe: ProbeSpec.parse({ kind: 'http', url: `http://127.0.0.1:${port}/` }) })).rejects.toThrow(HostPortRefused);
      await expect(runProbe(deps, { probe: ProbeSpec.parse({ kind: 'tcp', host: '127.0.0.1', port }) })).rejects.toThrow(HostPortRefused);
      expect(requests).toBe(0);
      // Negative control: the same probe with the port allowed reaches the server.
      const allowed = { ...deps, hostPorts: [{ from: port, to: port }] };
      expect(await runProbe(allowed, { probe: ProbeSpec.parse({ kind: 'http', url: `http://127.0.0.1:${port}/` }) })).toMatchObject({ ok: true });
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });
});
