import { parseCompose } from '../../../../src/spec/compose';
import { repoPath } from '../../../helpers/paths';
import { validationProblems } from '../../../helpers/problems';

const DIR = repoPath('test/fixtures/compose/build');
const parse = (services: string) => parseCompose(`services:\n${services}`, 'test.yml', DIR, {});

const problemsOf = validationProblems;

describe('compose build (parsing)', () => {
  it('reads the string and long forms with compose defaults', () => {
    const m = parse('  a:\n    build: ./app\n  b:\n    image: mine:1\n    build: { context: app, dockerfile: docker/Dockerfile.alt, target: t, args: [X=1], labels: { l: v }, no_cache: true }\n');
    expect(m.services.a.image).toBe('');
    expect(m.services.a.build).toEqual({ context: `${DIR}/app`, dockerfile: 'Dockerfile', args: {}, target: undefined, labels: {}, noCache: false });
    expect(m.services.b.image).toBe('mine:1');
    expect(m.services.b.build).toEqual({ context: `${DIR}/app`, dockerfile: 'docker/Dockerfile.alt', args: { X: '1' }, target: 't', labels: { l: 'v' }, noCache: true });
  });

  it('refuses what cannot be built here, each with its path', () => {
    const problems = problemsOf(() =>
      parse(
        [
          '  remote:\n    build: https://example.invalid/repo.git',
          '  git:\n    build: git@example.invalid:x/y.git',
          '  sys:\n    build: /etc',
          '  missing:\n    build: ./nope',
          '  nofile:\n    build: { context: ./app, dockerfile: Missingfile }',
          '  hostarg:\n    build: { context: ./app, args: [FROM_HOST] }',
          '  forged:\n    build: { context: ./app, labels: { faultline.project: x } }',
          '  neither:\n    command: [x]',
          '  extra:\n    build: { context: ./app, ssh: [default] }',
        ].join('\n'),
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^services\.hostarg\.build\.args: build arg "FROM_HOST" has no value/),
      expect.stringMatching(/^services\.neither: needs "image" \(a local image\) or "build"/),
      expect.stringMatching(/^services\.extra\.build\.ssh: unsupported compose key "ssh" \(supported: context, dockerfile, args, target, labels, no_cache\)/),
    ]);
    const later = problemsOf(() =>
      parse(
        [
          '  remote:\n    build: https://example.invalid/repo.git',
          '  git:\n    build: git@example.invalid:x/y.git',
          '  sys:\n    build: /etc',
          '  missing:\n    build: ./nope',
          '  nofile:\n    build: { context: ./app, dockerfile: Missingfile }',
          '  forged:\n    build: { context: ./app, labels: { faultline.project: x } }',
        ].join('\n'),
      ),
    );
    expect(later).toEqual([
      'services.forged.build.labels.faultline.project: labels starting with "faultline." are Faultline\'s own and cannot be set in a compose file',
      'services.remote.build.context: remote context "https://example.invalid/repo.git" is not supported: only a folder on this machine can be sent to the engine',
      'services.git.build.context: remote context "git@example.invalid:x/y.git" is not supported: only a folder on this machine can be sent to the engine',
      expect.stringMatching(/^services\.sys\.build\.context: build context "\/etc": \/etc is never mounted/),
      `services.missing.build.context: ${DIR}/nope is not a folder`,
      `services.nofile.build.dockerfile: ${DIR}/app/Missingfile does not exist`,
    ]);
  });
});
