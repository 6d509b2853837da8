/**
 * What a compose file may bind-mount from the worker's host: sources under the compose file's
 * folder or an allowed root, never the host's root, its system folders or Docker's socket, and
 * never through a symbolic link that leads there. Faultline's own labels cannot be forged either.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../../src/errors';
import { parseCompose } from '../../../../src/spec/compose';
import { bindRefusal, policyFromEnv } from '../../../../src/spec/compose/mount-policy';

let base: string;
let elsewhere: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'fl-mounts-'));
  elsewhere = mkdtempSync(join(tmpdir(), 'fl-mounts-other-'));
  mkdirSync(join(base, 'conf'));
  writeFileSync(join(base, 'conf', 'app.conf'), 'x');
  symlinkSync('/etc', join(base, 'sneaky'));
  symlinkSync(elsewhere, join(base, 'away'));
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

const problems = (volumes: string[], labels?: Record<string, string>): string[] => {
  const text = JSON.stringify({ services: { app: { image: 'x', volumes, ...(labels ? { labels } : {}) } } });
  try {
    parseCompose(text, 'test.yml', base, {});
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
};

test('a bind under the compose folder is accepted, also when it does not exist yet', () => {
  expect(problems(['./conf:/etc/app:ro', './data:/data'])).toEqual([]);
});

test.each([
  ['/:/host', /host's root folder is never mounted/],
  ['/var/run/docker.sock:/var/run/docker.sock', /run\/docker\.sock is never mounted/],
  ['/run/docker.sock:/docker.sock', /\/run\/docker\.sock is never mounted/],
  ['/etc:/host-etc:ro', /\/etc is never mounted/],
  ['/proc:/host-proc', /\/proc is never mounted/],
  ['/sys/fs/cgroup:/cg', /\/sys is never mounted/],
  ['/dev:/dev', /\/dev is never mounted/],
  ['/var:/host-var', /contains \/var\/run\/docker\.sock/],
  ['/run:/host-run', /contains \/run\/docker\.sock/],
])('%s is always refused', (volume, why) => {
  const p = problems([volume]);
  expect(p).toHaveLength(1);
  expect(p[0]).toMatch(/^services\.app\.volumes\[0\]: bind mount of /);
  expect(p[0]).toMatch(why);
});

test('a bind outside the compose folder is refused with the folder named, also through "..", unless the worker allows its root', () => {
  expect(problems([`${elsewhere}:/data`])[0]).toMatch(new RegExp(`outside the compose file's folder .*FAULTLINE_BIND_ROOTS`));
  expect(problems(['../../../../../../tmp:/data'])[0]).toMatch(/outside the compose file's folder/);
  expect(bindRefusal(elsewhere, base, { bindRoots: [elsewhere] })).toBeUndefined();
  // An allowed root never lets the refused paths through.
  expect(bindRefusal('/etc/hosts', base, { bindRoots: ['/'] })).toMatch(/\/etc is never mounted/);
});

test('symbolic links are followed before judging', () => {
  expect(problems(['./sneaky:/x'])[0]).toMatch(/"\S+sneaky" \(\/etc\): \/etc is never mounted/);
  expect(problems(['./away:/x'])[0]).toMatch(/outside the compose file's folder/);
});

test('named volumes are not bind mounts and are not judged', () => {
  const text = JSON.stringify({ services: { app: { image: 'x', volumes: ['data:/data'] } }, volumes: { data: {} } });
  expect(() => parseCompose(text, 'test.yml', base, {})).not.toThrow();
});

test('faultline.* labels cannot be set by a compose file, on services, networks or volumes', () => {
  expect(problems([], { 'faultline.record': '{}', team: 'a' })).toEqual([
    'services.app.labels.faultline.record: labels starting with "faultline." are Faultline\'s own and cannot be set in a compose file',
  ]);
  const text = JSON.stringify({
    services: { app: { image: 'x', networks: ['n'] } },
    networks: { n: { labels: { 'faultline.project': 'other' } } },
    volumes: { v: { labels: ['faultline.helper=lease'] } },
  });
  expect(() => parseCompose(text, 'test.yml', base, {})).toThrow(/networks\.n\.labels\.faultline\.project: .*\n.*volumes\.v\.labels\.faultline\.helper/);
});

test('FAULTLINE_BIND_ROOTS lists absolute folders separated by ":"; relative entries are ignored', () => {
  expect(policyFromEnv({ FAULTLINE_BIND_ROOTS: '/srv/shared:relative::/opt/conf' })).toEqual({ bindRoots: ['/srv/shared', '/opt/conf'] });
  expect(policyFromEnv({})).toEqual({ bindRoots: [] });
});
