import { parseCompose } from '../../../../src/spec/compose';
import { validationProblems } from '../../../helpers/problems';

const parse = (body: string, top = '') =>
  parseCompose(`${top}services:\n  s:\n    image: x\n${body.replace(/^/gm, '    ')}\n`, 'test.yml', '/base', {});

const problemsOf = validationProblems;

describe('long syntax of ports and volumes', () => {
  it('reads long ports like their short forms, on 127.0.0.1', () => {
    const m = parse('ports:\n  - { target: 80, published: 8080 }\n  - { target: 53, protocol: udp, mode: host, name: dns }\n  - { target: 9000, host_ip: 127.0.0.1, published: "9001" }');
    expect(m.services.s.ports).toEqual([
      { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: undefined, containerPort: 53, protocol: 'udp' },
      { hostIp: '127.0.0.1', hostPort: 9001, containerPort: 9000, protocol: 'tcp' },
    ]);
  });

  it('refuses a long port on another address or with a range, with its path', () => {
    const problems = problemsOf(() => parse('ports:\n  - { target: 80, host_ip: 0.0.0.0 }\n  - { target: 80, published: "8000-8010" }'));
    expect(problems).toEqual([
      expect.stringMatching(/^services\.s\.ports\[0\]: host IP "0\.0\.0\.0" .* not allowed: ports are published on 127\.0\.0\.1 only/),
      expect.stringMatching(/^services\.s\.ports\[1\]: invalid port .*\(port ranges are not supported\)/),
    ]);
  });

  it('reads long bind, volume and tmpfs entries; a tmpfs joins the tmpfs key', () => {
    const m = parse(
      [
        'volumes:',
        '  - { type: bind, source: ./conf, target: /etc/app, read_only: true, bind: { create_host_path: true } }',
        '  - { type: volume, source: data, target: /data, volume: { nocopy: false } }',
        '  - { type: tmpfs, target: /cache, tmpfs: { size: 16m, mode: 1777 } }',
        '  - "./logs:/logs:rw,delegated"',
        'tmpfs: /run',
      ].join('\n'),
      'volumes:\n  data: {}\n',
    );
    expect(m.services.s.volumes).toEqual([
      { type: 'bind', source: '/base/conf', target: '/etc/app', readOnly: true },
      { type: 'volume', source: 'data', target: '/data', readOnly: false },
      { type: 'bind', source: '/base/logs', target: '/logs', readOnly: false },
    ]);
    expect(m.services.s.run.host.Tmpfs).toEqual({ '/run': '', '/cache': `size=${16 * 1024 ** 2},mode=1777` });
  });

  it('applies the same rules to long volumes as to short ones', () => {
    const problems = problemsOf(() =>
      parse(
        [
          'volumes:',
          '  - { type: bind, source: /etc, target: /host-etc }',
          '  - { type: volume, source: ghost, target: /g }',
          '  - { type: volume, target: /anon }',
          '  - { type: bind, source: ./x, target: /x, bind: { propagation: rshared } }',
          '  - { type: npipe, source: x, target: /x }',
        ].join('\n'),
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'services.s.volumes[1]: undefined volume "ghost"; declare it under top-level "volumes"',
        'services.s.volumes[2]: a named volume needs "source" (anonymous volumes are not supported; name it)',
        expect.stringMatching(/^services\.s\.volumes\[3\]\.bind\.propagation: only "private" or "rprivate"/),
        expect.stringMatching(/^services\.s\.volumes\[4\]/),
      ]),
    );
    // The host-path rule runs once the file is otherwise valid.
    expect(problemsOf(() => parse('volumes:\n  - { type: bind, source: /etc, target: /host-etc }'))).toEqual([
      expect.stringMatching(/^services\.s\.volumes\[0\]: bind mount of "\/etc": \/etc is never mounted/),
    ]);
  });
});
