import { ValidationError } from '../../../../src/errors';
import { parseCompose } from '../../../../src/spec/compose';
import { interpolate, parseEnvFile } from '../../../../src/spec/compose/interpolate';

const run = (s: string, vars: Record<string, string | undefined>) => interpolate({ v: s }, vars);

describe('compose interpolation', () => {
  it.each([
    ['${A}', { A: 'x' }, 'x'],
    ['$A-$B', { A: 'x', B: 'y' }, 'x-y'],
    ['${A:-d}', { A: '' }, 'd'],
    ['${A-d}', { A: '' }, ''],
    ['${A-d}', {}, 'd'],
    ['${A:-${B:-z}}', {}, 'z'],
    ['${A:+alt}', { A: 'x' }, 'alt'],
    ['${A+alt}', {}, ''],
    ['$$A costs 5$', { A: 'x' }, '$A costs 5$'],
  ])('%s with %j is %s', (s, vars, want) => {
    expect(run(s, vars)).toMatchObject({ value: { v: want }, problems: [] });
  });

  it('reports required variables with their path and message, and unset ones as warnings', () => {
    expect(run('${A:?set A}', { A: '' }).problems).toEqual(['v: required variable "A" is empty: set A']);
    expect(run('${A?}', {}).problems).toEqual(['v: required variable "A" is not set']);
    expect(run('${A?}', { A: '' }).problems).toEqual([]);
    expect(run('${A}', {}).warnings).toEqual(['v: variable "A" is not set; using ""']);
    expect(run('${A', {}).problems[0]).toMatch(/^v: unterminated/);
  });

  it('parses env files: quotes, export, comments, references to earlier keys', () => {
    const r = parseEnvFile("# c\nexport A=1\nB='$A lit'\nC=\"x\\ny $A\"\nD=${A}2 # note\nE\n", '.env', {});
    expect(r.values).toEqual({ A: '1', B: '$A lit', C: 'x\ny 1', D: '12' });
    expect(r.problems).toEqual(['.env:6: "E" has no value; write E=...']);
  });

  it('interpolates a compose file before validating it, ignoring x- keys and version', () => {
    const text = 'version: "3.9"\nx-tag: &t "${TAG:-1}"\nservices:\n  s:\n    image: "img:${TAG:-1}"\n    restart: ${R:-unless-stopped}\n';
    const m = parseCompose(text, 'c.yml', '/base', {}, { TAG: '7' });
    expect(m.services.s.image).toBe('img:7');
    expect(m.services.s.run.host.RestartPolicy).toEqual({ Name: 'unless-stopped', MaximumRetryCount: 0 });
    let err: unknown;
    try {
      parseCompose('services:\n  s:\n    image: "${IMG:?name the image}"\n', 'c.yml', '/base', {}, {});
    } catch (e) {
      err = e;
    }
    expect((err as ValidationError).problems).toEqual(['services.s.image: required variable "IMG" is not set: name the image']);
  });

  it('maps the run-shaping keys and refuses the ones that give the host', () => {
    const text = `services:
  s:
    image: x
    init: true
    cap_add: [NET_ADMIN]
    ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 64 }
    tmpfs: ["/run:size=1m"]
    stop_grace_period: 1m30s
    logging: { driver: json-file, options: { max-size: 1m } }
    deploy: { replicas: 2, resources: { limits: { cpus: "0.5", memory: 64m } } }
`;
    const s = parseCompose(text, 'c.yml', '/base', {}, {}).services.s;
    expect(s.replicas).toBe(2);
    expect(s.run.host).toMatchObject({
      Init: true, CapAdd: ['NET_ADMIN'], Memory: 64 * 1024 * 1024, NanoCpus: 5e8, Tmpfs: { '/run': 'size=1m' },
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'nproc', Soft: 64, Hard: 64 }],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
    });
    expect(s.run.config.StopTimeout).toBe(90);
    const refused = (body: string) => {
      try {
        parseCompose(`services:\n  s:\n    image: x\n${body}\n`, 'c.yml', '/base', {}, {});
      } catch (e) {
        return (e as ValidationError).problems.join('\n');
      }
      return '';
    };
    expect(refused('    security_opt: [seccomp=unconfined]')).toMatch(/^services\.s\.security_opt: seccomp profiles are refused/);
    expect(refused('    security_opt: [no-new-privileges:true]')).toBe('');
    expect(refused('    logging: { driver: syslog }')).toMatch(/^services\.s\.logging: log driver "syslog" is not supported/);
    expect(refused('    network_mode: host')).toMatch(/^services\.s\.network_mode: "network_mode" is refused/);
    expect(refused('    deploy: { replicas: 2 }\n    ports: ["8080:80"]')).toMatch(/^services\.s\.ports\[0\]: host port 8080 cannot be bound by 2 replicas/);
    expect(refused('    deploy: { replicas: 2 }\n    ports: ["80"]')).toBe('');
  });
});
