/**
 * The loopback rule parses addresses instead of matching text: `127.999.1.1` matched the old
 * pattern and went to DNS. Only `localhost` and IP literals in 127.0.0.0/8 or ::1 pass, refused
 * otherwise with the field's path.
 */
import { isLoopback, isLoopbackIp } from '../../../src/spec/endpoint';
import { problemsOf } from './helpers/problems';

const NOT_LOOPBACK = 'only loopback hosts (127.0.0.0/8, localhost, ::1) may be probed';
const URL_NOT_LOOPBACK = 'url must be an http(s) URL on a loopback host (127.0.0.1, localhost, ::1)';

test.each(['127.999.1.1', '127.1', '127.0.0.1.', '0177.0.0.1', '127.00.0.1', '127.0.0.256', '1.127.0.0', '[127.0.0.1]', '::2', '::', '1::1', '::ffff:10.0.0.1', 'localhost.', 'LOCALHOST', 'localhost.example', '127.0.0.1.nip.io', ''])(
  'host %j is refused with its path',
  (host) => {
    expect(isLoopback(host)).toBe(false);
    expect(problemsOf({ probes: { db: { kind: 'tcp', host, port: 5432 } } })).toEqual([`probes.db.host: ${NOT_LOOPBACK}`]);
  },
);

test.each(['localhost', '127.0.0.1', '127.255.255.254', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '0::1', '::ffff:127.0.0.1', '[::ffff:7f00:1]'])(
  'host %j is loopback',
  (host) => {
    expect(isLoopback(host)).toBe(true);
    expect(problemsOf({ probes: { db: { kind: 'tcp', host, port: 5432 } } })).toEqual([]);
  },
);

test('workload hosts follow the same rule', () => {
  expect(problemsOf({ workloads: [{ id: 'w', kind: 'http-load', rate: '1/s', host: '127.999.1.1', port: 80 }] })).toEqual([`workloads[0].host: ${NOT_LOOPBACK}`]);
  expect(problemsOf({ workloads: [{ id: 'w', kind: 'nats-publish', rate: '1/s', host: '10.0.0.1', subject: 's' }] })).toEqual([`workloads[0].host: ${NOT_LOOPBACK}`]);
});

test('URLs are judged on the host their parser sees', () => {
  for (const url of ['http://127.999.1.1/', 'http://10.0.0.1/', 'http://localhost.evil.test/', 'http://[::2]/']) {
    expect(problemsOf({ probes: { api: { kind: 'http', url } } })).toEqual([`probes.api.url: ${URL_NOT_LOOPBACK}`]);
  }
  for (const url of ['http://127.1/', 'http://[0::1]:8080/x', 'https://localhost/']) expect(problemsOf({ probes: { api: { kind: 'http', url } } })).toEqual([]);
});

test('isLoopbackIp takes bare literals only, as resolvers return them', () => {
  expect(isLoopbackIp('127.0.0.53')).toBe(true);
  expect(isLoopbackIp('::1')).toBe(true);
  expect(isLoopbackIp('localhost')).toBe(false);
  expect(isLoopbackIp('[::1]')).toBe(false);
  expect(isLoopbackIp('192.0.2.1')).toBe(false);
  expect(isLoopbackIp('fe80::1')).toBe(false);
});
