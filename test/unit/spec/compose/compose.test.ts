import { join } from 'node:path';
import { type ComposeModel, loadComposeFile, parseCompose, selectServices, servicesStartOrder } from '../../../../src/spec/compose';
import { repoPath } from '../../../helpers/paths';
import { validationProblems } from '../../../helpers/problems';

const FIXTURES = repoPath('test/fixtures/compose');
const parse = (text: string): ComposeModel => parseCompose(text, 'test.yml', '/base');

const problemsOf = validationProblems;
const service = (body: string) => `services:\n  s:\n    image: x\n${body.replace(/^/gm, '    ')}\n`;

describe('parseCompose: the supported subset', () => {
  const model = loadComposeFile(join(FIXTURES, 'full.yml'));

  it('normalizes commands, environment and labels in both spellings', () => {
    const { db, api, cache } = model.services;
    expect(db.command).toEqual(['sleep', 'infinity']);
    expect(api.command).toEqual(['sh', '-c', "echo 'hello world' && sleep infinity"]);
    expect(cache.command).toEqual(['sh', '-c', 'sleep infinity']);
    expect(api.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(db.environment).toEqual({ POSTGRES_USER: 'app', RETRIES: '3', DEBUG: 'false' });
    expect(api.environment).toEqual({ MODE: 'fast', EMPTY: '' });
    expect(api.labels).toEqual({ role: 'api', flag: '' });
    expect(db.labels).toEqual({ tier: 'backend' }); // from the merged x-common anchor
    expect(db.containerName).toBe('full-db');
    expect(db.hostname).toBe('db-host');
  });

  it('resolves binds against the compose folder and keeps named volumes by name', () => {
    expect(model.services.db.volumes).toEqual([
      { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false },
      { type: 'bind', source: join(FIXTURES, 'conf'), target: '/etc/app', readOnly: true },
      { type: 'bind', source: join(FIXTURES, 'data'), target: '/host-data', readOnly: false },
    ]);
    expect(Object.keys(model.volumes)).toEqual(['data', 'cache']);
  });

  it('converts healthchecks, including disable and the image-default test', () => {
    expect(model.services.db.healthcheck).toEqual({
      test: ['CMD-SHELL', 'pg_isready -U app'], interval: 90_000, timeout: 500, retries: 5, startPeriodMs: 2000, disabled: false,
    });
    expect(model.services.api.healthcheck?.test).toEqual(['CMD', 'curl', '-fsS', 'http://127.0.0.1:8080/']);
    expect(model.services.cache.healthcheck).toMatchObject({ test: ['NONE'], disabled: true });
  });

  it('reads networks with aliases, adds the implicit default network, and reads depends_on', () => {
    expect(model.services.db.networks).toEqual({ back: ['database', 'pg'] });
    expect(model.services.api.networks).toEqual({ front: [], back: [] });
    expect(model.services.worker.networks).toEqual({ default: [] });
    expect(model.networks.back).toMatchObject({ internal: true, labels: { team: 'chaos' }, options: {} });
    expect(model.networks.default).toMatchObject({ internal: false, labels: {}, options: {} });
    expect(model.services.api.dependsOn).toEqual({ db: 'service_healthy', cache: 'service_started' });
    expect(model.services.worker.dependsOn).toEqual({ db: 'service_started' });
  });

  it('lets a service name the implicit default network (with aliases) without declaring it', () => {
    const m = parse('services:\n  s:\n    image: x\n    networks:\n      default:\n        aliases: [alt]\n');
    expect(m.services.s.networks).toEqual({ default: ['alt'] });
    expect(Object.keys(m.networks)).toEqual(['default']);
  });

  it('parses the chaos compose file of the repository', () => {
    const chaos = loadComposeFile(repoPath('infra/docker/docker-compose.chaos.yml'));
    expect(Object.keys(selectServices(chaos, ['chaos-nats']))).toEqual(['nats-1', 'nats-2', 'nats-3']);
    expect(chaos.services['nats-2'].healthcheck?.interval).toBe(1000);
  });
});

describe('parseCompose: ports', () => {
  const ports = (...p: string[]) => parse(service(`ports: ${JSON.stringify(p)}`)).services.s.ports;

  it('accepts the four short forms and binds them all to 127.0.0.1', () => {
    expect(ports('4222', '14222:4222', '127.0.0.1:14223:4222', '127.0.0.1::8222', '53/udp')).toEqual([
      { hostIp: '127.0.0.1', hostPort: undefined, containerPort: 4222, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 14222, containerPort: 4222, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 14223, containerPort: 4222, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: undefined, containerPort: 8222, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: undefined, containerPort: 53, protocol: 'udp' },
    ]);
  });

  it.each([
    ['0.0.0.0:4222:4222', 'host IP "0.0.0.0" in "0.0.0.0:4222:4222" is not allowed: ports are published on 127.0.0.1 only'],
    ['192.168.1.5::4222', 'host IP "192.168.1.5"'],
    ['8000-8001:8000-8001', 'port ranges are not supported'],
    ['70000', 'invalid port "70000"'],
    ['4222/sctp', 'bad protocol in "4222/sctp"'],
  ])('rejects %s', (p, message) => {
    expect(problemsOf(() => ports(p))).toEqual([expect.stringContaining(`services.s.ports[0]: `)]);
    expect(problemsOf(() => ports(p))[0]).toContain(message);
  });
});

describe('parseCompose: rejections', () => {
  it('names an unsupported key, its path and the supported keys', () => {
    const problems = problemsOf(() => parse('services:\n  nats-1:\n    image: x\n    bogus: true\n'));
    expect(problems).toEqual([expect.stringMatching(/^services\.nats-1\.bogus: unsupported compose key "bogus" \(supported: image, build, command, entrypoint, environment, env_file, ports, /)]);
  });

  it('refuses a key that would give the container the host with its path and reason', () => {
    expect(problemsOf(() => parse('services:\n  nats-1:\n    image: x\n    privileged: true\n'))).toEqual([
      'services.nats-1.privileged: "privileged" is refused: a privileged container has every capability and the host\'s devices, which gives it the worker\'s host',
    ]);
  });

  it('reports every problem of a file at once', () => {
    const problems = problemsOf(() => loadComposeFile(join(FIXTURES, 'unsupported.yml')));
    const at = (prefix: string) => problems.filter((p) => p.startsWith(prefix));
    expect(at('include: "include" is not supported: one compose file per stack')).toHaveLength(1);
    expect(at('services.nats-1.privileged: "privileged" is refused')).toHaveLength(1);
    expect(at('services.nats-1.restart: expected "no", "always"')).toHaveLength(1);
    expect(at('services.nats-1.healthcheck.start_interval: unsupported compose key "start_interval" (supported: test,')).toHaveLength(1);
    expect(at('services.nats-1.healthcheck.test: test must be')).toHaveLength(1);
    expect(at('services.nats-1.healthcheck.interval: expected a duration')).toHaveLength(1);
    expect(at('services.nats-1.ports[0]: host IP "0.0.0.0"')).toHaveLength(1);
    expect(at('services.nats-1.ports[1]:')).toHaveLength(1);
    expect(at('services.nats-1.volumes[0]: anonymous volume "/data"')).toHaveLength(1);
    expect(at('services.nats-1.volumes[1]: undefined volume "missing"')).toHaveLength(1);
    expect(at('services.nats-1.volumes[2]: "~" paths are not supported')).toHaveLength(1);
    expect(at('services.nats-1.networks.nowhere: undefined network "nowhere"')).toHaveLength(1);
    expect(at('services.nats-1.environment: variable "FROM_HOST" has no value')).toHaveLength(1);
    expect(at('services.nats-1.depends_on.ghost: unknown service "ghost"')).toHaveLength(1);
    expect(problems).toHaveLength(14);
  });

  it.each([
    ['command: 5', 'services.s.command: expected string or array'],
    ['command: "sh -c \'unterminated"', 'services.s.command: unterminated quote'],
    ['volumes: ["data:/d:z"]', 'services.s.volumes[0]: "data:/d:z": SELinux relabelling (z, Z)'],
    ['volumes: ["data:/d:ro,rw"]', 'services.s.volumes[0]: unsupported volume "data:/d:ro,rw"'],
    ['stop_signal: SIGNOPE', 'services.s.stop_signal: expected a Linux signal such as SIGTERM, TERM or 15'],
    ['volumes: ["./d:relative"]', 'services.s.volumes[0]: volume target "relative" must be an absolute path'],
    ['depends_on: { s: { condition: service_started } }', 'services.s.depends_on.s: unknown service "s"'],
    ['depends_on: { t: { condition: service_completed_successfully } }', 'services.s.depends_on.t.condition:'],
    ['networks: { n: { priority: 3 } }', 'services.s.networks.n.priority: unsupported compose key "priority" (supported: aliases, ipv4_address, ipv6_address)'],
  ])('rejects %s', (body, message) => {
    expect(problemsOf(() => parse(service(body))).join('\n')).toContain(message);
  });

  it('rejects service_healthy on a service whose healthcheck is disabled, and duplicate container names', () => {
    const text = 'services:\n  a: { image: x, container_name: c, depends_on: { b: { condition: service_healthy } } }\n' +
      '  b: { image: x, container_name: c, healthcheck: { test: [NONE] } }\n';
    expect(problemsOf(() => parse(text))).toEqual([
      'services.a.depends_on.b: condition service_healthy, but "b" has its healthcheck disabled',
      'services.b.container_name: "c" is also used by a',
    ]);
  });

  it('reports YAML errors, a non-mapping document and an unreadable file', () => {
    expect(problemsOf(() => parse('services: [\n'))[0]).toMatch(/^YAML: /);
    expect(problemsOf(() => parse('services: {}\nservices: {}\n'))[0]).toMatch(/^YAML: .*unique/i);
    expect(problemsOf(() => parse('- a\n'))).toEqual(['(root): expected a mapping with "services"']);
    expect(problemsOf(() => loadComposeFile(join(FIXTURES, 'nope.yml')))[0]).toMatch(/^cannot read the compose file/);
  });
});

describe('selectServices and servicesStartOrder', () => {
  const model = loadComposeFile(join(FIXTURES, 'full.yml'));

  it('selects services without profiles plus those with a matching profile', () => {
    expect(Object.keys(selectServices(model, []))).toEqual(['db']);
    expect(Object.keys(selectServices(model, ['web']))).toEqual(['db', 'api', 'cache']);
    expect(Object.keys(selectServices(model, ['extra', 'batch']))).toEqual(['db', 'cache', 'worker']);
  });

  it('names the known profiles when one is unknown', () => {
    expect(problemsOf(() => selectServices(model, ['web', 'chaos-pg']))).toEqual([
      'profiles: unknown profile "chaos-pg"; known profiles: web, extra, batch',
    ]);
  });

  it('rejects a selection that leaves out a dependency', () => {
    const m = parse('services:\n  a: { image: x, depends_on: [b] }\n  b: { image: x, profiles: [p] }\n');
    expect(problemsOf(() => selectServices(m, []))).toEqual(['services.a.depends_on.b: "b" is not selected by profiles []']);
  });

  it('orders dependencies before dependents and keeps file order otherwise', () => {
    expect(servicesStartOrder(model, Object.keys(selectServices(model, ['web'])))).toEqual(['db', 'cache', 'api']);
    expect(servicesStartOrder(model)).toEqual(['db', 'cache', 'api', 'worker']);
  });

  it('reports a dependency cycle with its members', () => {
    const m = loadComposeFile(join(FIXTURES, 'cycle.yml'));
    expect(problemsOf(() => servicesStartOrder(m))).toEqual(['services.a.depends_on: dependency cycle a -> b -> c -> a']);
  });
});
