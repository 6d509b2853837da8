import {
  type Experiment,
  FaultSpec,
  ProbeSpec,
  Target,
  describeExpectation,
  describeFault,
  describeProbe,
  describeTarget,
  isLoopback,
  parseExperiment,
  resolveProbe,
} from '../../../src/spec';

/** These one-liners appear in activity summaries, the journal and the plan, so their wording is pinned. */
test.each([
  [{ service: 'web' }, 'service web'],
  [{ container: 'web-1', mode: 'one' }, 'container web-1 (one)'],
  [{ labels: { app: 'web', tier: 'front' }, mode: { count: 2 } }, 'labels app=web,tier=front (count 2)'],
  [{ service: 'web', mode: { percent: 50 } }, 'service web (50%)'],
])('describeTarget(%j)', (input, text) => {
  expect(describeTarget(Target.parse(input))).toBe(text);
});

test.each([
  [{ kind: 'container-kill', target: { service: 'nats-1' } }, 'kill service nats-1 with SIGKILL'],
  [{ kind: 'container-kill', target: { service: 'nats-1' }, signal: 'SIGTERM' }, 'kill service nats-1 with SIGTERM'],
  [{ kind: 'container-stop', target: { service: 'pg' } }, 'stop service pg (grace 10s)'],
  [{ kind: 'container-restart', target: { service: 'pg' }, grace: 2500 }, 'restart service pg (grace 2.5s)'],
  [{ kind: 'container-pause', target: { service: 'api' } }, 'pause service api'],
])('describeFault(%j)', (input, text) => {
  expect(describeFault(FaultSpec.parse(input))).toBe(text);
});

test.each([
  [{ kind: 'http', service: 'api', port: 8080 }, 'http GET api:8080/'],
  [{ kind: 'http', url: 'http://localhost:9000/x', method: 'HEAD' }, 'http HEAD http://localhost:9000/x'],
  [{ kind: 'tcp', port: 5432 }, 'tcp 127.0.0.1:5432'],
  [{ kind: 'postgres', service: 'pg', sql: 'select 1' }, 'postgres pg:5432 "select 1"'],
  [{ kind: 'nats', service: 'n1', via: { host: '::1', port: 4223 } }, 'nats request-reply n1:4222 via ::1:4223'],
  [{ kind: 'container', target: { service: 'pg' } }, 'container service pg'],
])('describeProbe(%j)', (input, text) => {
  expect(describeProbe(ProbeSpec.parse(input))).toBe(text);
});

test('describeExpectation joins every comparator', () => {
  expect(describeExpectation({ jsonpath: '$.status', gte: 200, lt: 400 })).toBe('$.status < 400 and >= 200');
  expect(describeExpectation({ eq: 'ok', regex: '^o' })).toBe('= "ok" and matches /^o/');
  expect(describeExpectation({ range: [1, 2] })).toBe('in [1, 2]');
  expect(describeExpectation({ jsonpath: '$.body.leader' })).toBe('$.body.leader present');
});

test.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('%s is loopback', (h) => expect(isLoopback(h)).toBe(true));
test.each(['10.0.0.5', '0.0.0.0', 'example.com', '127.0.0.1.nip.io', 'localhost.example'])('%s is not loopback', (h) =>
  expect(isLoopback(h)).toBe(false),
);

test('an http url must be http(s) on loopback', () => {
  for (const url of ['http://127.0.0.1:8080/', 'https://localhost/x', 'http://[::1]:80/']) {
    expect(ProbeSpec.safeParse({ kind: 'http', url }).success).toBe(true);
  }
  for (const url of ['http://10.0.0.5/', 'ftp://127.0.0.1/', 'not a url', 'http://127.0.0.1.evil.test/']) {
    expect(ProbeSpec.safeParse({ kind: 'http', url }).success).toBe(false);
  }
});

test('an endpoint is a service or a host, not both; url and service+port exclude each other', () => {
  const problems = (probe: object): string[] => {
    try {
      parseExperiment({ name: 'x', hypothesis: 'h', probes: { p: probe }, method: [{ fault: { kind: 'container-pause', target: { service: 'a' } } }] });
    } catch (err) {
      return (err as { problems: string[] }).problems;
    }
    return [];
  };
  expect(problems({ kind: 'tcp', service: 'db', host: '127.0.0.1', port: 5432 })).toEqual(['probes.p.host: give "service" or "host", not both']);
  expect(problems({ kind: 'nats', via: { service: 'n2', host: 'localhost', port: 4222 } })).toEqual(['probes.p.via.host: give "service" or "host", not both']);
  expect(problems({ kind: 'http', url: 'http://127.0.0.1/', service: 'api', port: 80 })).toEqual([
    'probes.p: give either "url" or both "service" and "port", not both',
  ]);
  expect(problems({ kind: 'container', target: { labels: {} } })).toEqual(['probes.p.target.labels: give at least one label']);
});

test('resolveProbe returns inline probes as they are and library probes by id', () => {
  const exp: Experiment = parseExperiment({
    name: 'x',
    hypothesis: 'h',
    probes: { db: { kind: 'tcp', port: 5432 } },
    method: [{ fault: { kind: 'container-pause', target: { service: 'a' } } }],
  });
  expect(resolveProbe(exp, 'db')).toEqual({ kind: 'tcp', port: 5432, timeout: '2s' });
  const inline = ProbeSpec.parse({ kind: 'tcp', port: 1 });
  expect(resolveProbe(exp, inline)).toBe(inline);
  expect(() => resolveProbe(exp, 'nope')).toThrow('unknown probe "nope"');
});
