import { join } from 'node:path';
import { loadComposeFile, parseCompose } from '../../../../src/spec/compose';
import { repoPath } from '../../../helpers/paths';
import { validationProblems } from '../../../helpers/problems';

const DIR = repoPath('test/fixtures/compose/files');

const problemsOf = validationProblems;
/** A compose file read as if it sat in the files fixture folder. */
const inFixture = (text: string) => parseCompose(text, 'test.yml', DIR, {});
const withService = (top: string, refs: string) =>
  `${top}\nservices:\n  s:\n    image: x\n${refs.replace(/^/gm, '    ')}\n`;

describe('configs and secrets', () => {
  it('become read-only binds of their files at the places compose uses', () => {
    const m = loadComposeFile(join(DIR, 'compose.yml'));
    const files = m.services.app.volumes;
    expect(files).toEqual([
      { type: 'bind', source: join(DIR, 'app.conf'), target: '/app_config', readOnly: true },
      { type: 'bind', source: join(DIR, 'app.conf'), target: '/etc/app/app.conf', readOnly: true },
      { type: 'bind', source: join(DIR, 'site'), target: '/srv/site', readOnly: true },
      { type: 'bind', source: join(DIR, 'db-password.txt'), target: '/run/secrets/db_password', readOnly: true },
      { type: 'bind', source: join(DIR, 'api-token.txt'), target: '/run/secrets/token', readOnly: true },
      { type: 'bind', source: join(DIR, 'db-password.txt'), target: '/etc/app/db-password', readOnly: true },
    ]);
  });

  it('refuse what a single engine cannot honour, each with its path', () => {
    const top = [
      'configs:',
      '  ext: { external: true }',
      '  inline: { content: "x=1" }',
      '  nofile: { name: just-a-name }',
      'secrets:',
      '  fromenv: { environment: TOKEN }',
      '  ok: { file: ./db-password.txt }',
    ].join('\n');
    const refs = ['secrets:', '  - source: ok', '    mode: 0400', '    uid: "1000"', '  - ghost'].join('\n');
    expect(problemsOf(() => inFixture(withService(top, refs)))).toEqual([
      'configs.ext.external: "external" is refused: an external config or secret lives in a swarm, and a stack on one engine has none; give it a "file"',
      'configs.inline.content: "content" is not supported: give the content in a file next to the compose file and name it with "file"',
      'configs.nofile: needs "file" (the path of the file to mount, relative to the compose file)',
      'secrets.fromenv.environment: "environment" is not supported: the host environment is not passed into stacks; put the value in a file and name it with "file"',
      'services.s.secrets[0].uid: cannot be honoured: the file is bind-mounted read-only with its owner and mode on the host (set them there)',
      'services.s.secrets[0].mode: cannot be honoured: the file is bind-mounted read-only with its owner and mode on the host (set them there)',
      'services.s.secrets[1]: undefined secret "ghost"; declare it under top-level "secrets"',
    ]);
  });

  it('obey the bind-mount rule: outside the compose folder, host system paths and missing files are refused', () => {
    const top = ['configs:', '  up: { file: ../keys/app.env }', '  etc: { file: /etc/passwd }', '  gone: { file: ./no-such-file }'].join('\n');
    const problems = problemsOf(() => inFixture(withService(top, 'configs: [up, etc, gone]')));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^configs\.up\.file: config file ".*keys\/app\.env" is outside the compose file's folder/);
    expect(problems[1]).toMatch(/^configs\.etc\.file: config file "\/etc\/passwd": \/etc is never mounted/);
    expect(problems[2]).toBe(`configs.gone.file: ${join(DIR, 'no-such-file')} does not exist`);
  });

  it('a root the worker allows makes a file outside the compose folder acceptable (negative control)', () => {
    const text = withService('configs:\n  up: { file: ../keys/app.env }', 'configs: [up]');
    const m = parseCompose(text, 'test.yml', DIR, { bindRoots: [repoPath('test/fixtures/compose/keys')] });
    expect(m.services.s.volumes).toEqual([{ type: 'bind', source: repoPath('test/fixtures/compose/keys/app.env'), target: '/up', readOnly: true }]);
  });

  it('refuses two mounts on one container path', () => {
    const text = withService('secrets:\n  a: { file: ./api-token.txt }', 'secrets: [{ source: a, target: /data/x }]\nvolumes: ["./site:/data/x"]');
    expect(problemsOf(() => inFixture(text))).toEqual(['services.s: two mounts (volumes, configs or secrets) target /data/x']);
  });
});
