/**
 * The loopback rule at run time holds on the resolved address: a name is resolved and refused
 * unless every address it resolves to is loopback, before anything connects. A resolver is passed
 * in so the test can make `localhost` resolve off loopback; the check itself is the real one.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Lookup, loopbackAddresses, resolveAddress } from '../../../../src/activities/probes/endpoint';
import { httpCall } from '../../../../src/activities/probes/http-client';
import { ProbeFailure } from '../../../../src/activities/probes/probe';
import { ANY_PORT } from '../../../../src/spec/host-ports';

/** These tests are about names and addresses; the port rule has its own tests in host-ports.test.ts. */
const anyPort = { hostPorts: ANY_PORT };

const fixed = (...addresses: string[]): Lookup & { calls: string[] } => {
  const calls: string[] = [];
  const f = async (name: string) => {
    calls.push(name);
    return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(f, { calls });
};

test('a name that resolves off loopback is refused, also when only one of its addresses does', async () => {
  await expect(resolveAddress({ host: 'localhost', port: 80 }, anyPort, fixed('192.0.2.1'))).rejects.toThrow(
    new ProbeFailure('refusing to connect to localhost: it resolves to 192.0.2.1, not loopback'),
  );
  await expect(resolveAddress({ host: 'localhost', port: 80 }, anyPort, fixed('127.0.0.1', '2001:db8::1'))).rejects.toThrow(
    'refusing to connect to localhost: it resolves to 2001:db8::1, not loopback',
  );
  await expect(loopbackAddresses('localhost', fixed())).rejects.toThrow('refusing to connect to localhost: it resolves to no address, not loopback');
});

test('a name resolving to loopback connects to the checked address, IPv4 first', async () => {
  expect(await resolveAddress({ host: 'localhost', port: 80 }, anyPort, fixed('::1', '127.0.0.1'))).toEqual({ host: '127.0.0.1', port: 80 });
  expect(await resolveAddress({ host: 'localhost', port: 80 }, anyPort, fixed('::1'))).toEqual({ host: '::1', port: 80 });
  // The machine's own resolver: localhost is loopback here.
  expect((await resolveAddress({ host: 'localhost', port: 80 }, anyPort)).host).toMatch(/^(127\.|::1$)/);
});

test('literals are not resolved; hosts that skipped the schema are refused without a lookup', async () => {
  const lookup = fixed('127.0.0.1');
  expect(await resolveAddress({ host: '127.0.0.2', port: 1 }, anyPort, lookup)).toEqual({ host: '127.0.0.2', port: 1 });
  expect(await resolveAddress({ host: '[::1]', port: 1 }, anyPort, lookup)).toEqual({ host: '::1', port: 1 });
  for (const host of ['127.999.1.1', 'example.com', '0177.0.0.1']) {
    await expect(resolveAddress({ host, port: 1 }, anyPort, lookup)).rejects.toThrow(`refusing to probe ${host}: only loopback hosts may be probed`);
  }
  expect(lookup.calls).toEqual([]);
});

test('the HTTP client checks the resolved address before it connects', async () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const call = (lookup: Lookup) => httpCall({ url: `http://localhost:${port}/`, method: 'GET', signal: AbortSignal.timeout(5000), maxBytes: 100, lookup });
    // Resolving off loopback: refused before any connection.
    await expect(call(fixed('192.0.2.1'))).rejects.toThrow('refusing to connect to localhost: it resolves to 192.0.2.1, not loopback');
    // Resolving to a loopback address the server listens on: answered. (A kept-alive socket is
    // reused by later calls to the same host and port; it was opened to a checked address.)
    expect(await call(fixed('127.0.0.1'))).toMatchObject({ status: 200, text: 'ok' });
    await expect(httpCall({ url: `http://127.999.1.1:${port}/`, method: 'GET', signal: AbortSignal.timeout(5000), maxBytes: 100 })).rejects.toThrow(
      `refusing to request http://127.999.1.1:${port}/: only http(s) URLs on loopback hosts may be requested`,
    );
    await expect(httpCall({ url: 'http://192.0.2.1/', method: 'GET', signal: AbortSignal.timeout(5000), maxBytes: 100 })).rejects.toThrow(
      'refusing to request http://192.0.2.1/: only http(s) URLs on loopback hosts may be requested',
    );
    expect(requests).toBe(1);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
