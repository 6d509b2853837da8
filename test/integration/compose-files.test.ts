import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { stackDown, stackUp } from '../../src/activities/stack';
import { execIn, leftovers, newProject } from '../helpers/compose-run';

/** configs and secrets on a real engine: the files are readable, read-only, where compose puts them. */
const docker = new Docker();
const DIR = resolve(__dirname, '../fixtures/compose/files');

describe('configs and secrets as read-only file mounts', () => {
  const project = newProject('files');
  const container = `${project}-app-1`;

  beforeAll(async () => {
    await stackUp(docker, { project, stack: { compose: resolve(DIR, 'compose.yml'), profiles: [], keep: false, healthTimeout: '30s' } });
  });
  afterAll(async () => {
    await stackDown(docker, project);
    expect(await leftovers(docker, project)).toBe(0);
  });

  it.each([
    ['/app_config', 'app.conf'],
    ['/etc/app/app.conf', 'app.conf'],
    ['/srv/site/index.html', 'site/index.html'],
    ['/run/secrets/db_password', 'db-password.txt'],
    ['/run/secrets/token', 'api-token.txt'],
    ['/etc/app/db-password', 'db-password.txt'],
  ])('%s holds %s and the service user can read it', async (path, file) => {
    const r = await execIn(docker, container, ['cat', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(resolve(DIR, file), 'utf8'));
  });

  it('the mounts are read-only, even for root in the container', async () => {
    const asRoot = await docker.getContainer(container).exec({ Cmd: ['sh', '-c', 'echo x >> /run/secrets/db_password'], User: '0', AttachStdout: true, AttachStderr: true });
    const stream = await asRoot.start({});
    await new Promise<void>((ok) => (stream.on('end', () => ok()), stream.resume()));
    expect((await asRoot.inspect()).ExitCode).not.toBe(0);
    const info = await docker.getContainer(container).inspect();
    expect(info.HostConfig.Binds).toEqual(expect.arrayContaining([`${resolve(DIR, 'db-password.txt')}:/run/secrets/db_password:ro`]));
    expect(info.Mounts.filter((m) => m.Type === 'bind').every((m) => m.RW === false)).toBe(true);
    expect(readFileSync(resolve(DIR, 'db-password.txt'), 'utf8')).toBe('s3cret-for-tests-only\n');
  });
});
