import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { stackDown, stackUp } from '../../src/activities/stack';
import { BUILD_INPUTS_LABEL } from '../../src/activities/stack/build';
import { ValidationError } from '../../src/errors';
import type { StackSpec } from '../../src/spec';
import { execIn, leftovers, newProject } from '../helpers/compose-run';

/**
 * `build` on a real engine: stack up builds from a tar of the context through the Docker API, tags
 * the image as compose would, and reuses an image whose inputs hash matches instead of rebuilding.
 * The fixture is copied to a temporary folder so the cache test can change a file of the context.
 */
const docker = new Docker();
const FIXTURE = resolve(__dirname, '../fixtures/compose/build');
const spec = (compose: string): StackSpec => ({ compose, profiles: [], keep: false, healthTimeout: '30s' });
const imageId = async (name: string) => (await docker.getImage(name).inspect()).Id;

describe('compose build', () => {
  const projects: string[] = [];
  const tags: string[] = [];
  const ids: string[] = [];
  const tuned = `fltest-build-tuned-${Math.random().toString(16).slice(2, 10)}:local`;
  let dir: string;
  let compose: string;
  let first: string;
  const progress: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fl-build-'));
    await cp(FIXTURE, dir, { recursive: true });
    compose = join(dir, 'compose.yml');
    process.env.BUILD_IMAGE_NAME = tuned;
    // A fresh greeting makes this run's inputs unique, so the first stack up really builds.
    process.env.GREETING = `hello-${Math.random().toString(16).slice(2, 10)}`;
    first = newProject('build');
    projects.push(first);
    tags.push(`${first}-plain:latest`, `${first}-alt:latest`, tuned);
    await stackUp(docker, { project: first, stack: spec(compose) }, (m) => progress.push(m));
  });

  afterAll(async () => {
    for (const p of projects) await stackDown(docker, p);
    for (const t of tags) ids.push(await imageId(t).catch(() => ''));
    for (const id of new Set(ids.filter(Boolean))) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    delete process.env.BUILD_IMAGE_NAME;
    delete process.env.GREETING;
  });

  it('builds each service and tags it <project>-<service>, or the image it names', async () => {
    expect(progress).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^building ${first}-plain for plain from `))]));
    expect(progress).toEqual(expect.arrayContaining([`building ${tuned} for tuned from ${join(dir, 'app')}`]));
    for (const s of ['plain', 'tuned', 'alt']) {
      const info = await docker.getContainer(`${first}-${s}-1`).inspect();
      expect(info.State.Running).toBe(true);
      expect(info.Config.Image).toBe(s === 'tuned' ? tuned : `${first}-${s}`);
    }
  });

  it('honours target and args, and defaults to the last stage', async () => {
    const tunedC = `${first}-tuned-1`;
    expect((await execIn(docker, tunedC, ['cat', '/stage'])).stdout).toBe('final\n');
    expect((await execIn(docker, tunedC, ['cat', '/greeting'])).stdout).toBe(`${process.env.GREETING}\n`);
    expect((await execIn(docker, tunedC, ['cat', '/hello.txt'])).stdout).toBe('hello from the build context\n');
    const plainC = `${first}-plain-1`;
    expect((await execIn(docker, plainC, ['cat', '/stage'])).stdout).toBe('debug\n');
    expect((await execIn(docker, plainC, ['cat', '/greeting'])).stdout).toBe('default-greeting\n');
    const labels = (await docker.getImage(tuned).inspect()).Config.Labels ?? {};
    expect(labels['org.example.built-by']).toBe('compose-fixture');
    expect(labels[BUILD_INPUTS_LABEL]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('uses another Dockerfile of the context and leaves out what .dockerignore lists', async () => {
    const c = `${first}-alt-1`;
    expect((await execIn(docker, c, ['cat', '/ctx/hello.txt'])).code).toBe(0);
    expect((await execIn(docker, c, ['test', '-e', '/ctx/not-sent.txt'])).code).toBe(1);
  });

  it('does not rebuild unchanged inputs, and rebuilds once a file of the context changes', async () => {
    const before = { plain: await imageId(`${first}-plain`), tuned: await imageId(tuned) };
    ids.push(before.plain, before.tuned);
    const second = newProject('build');
    projects.push(second);
    tags.push(`${second}-plain:latest`, `${second}-alt:latest`);
    const again: string[] = [];
    await stackUp(docker, { project: second, stack: spec(compose) }, (m) => again.push(m));
    expect(again.filter((m) => m.startsWith('building '))).toEqual([]);
    expect(again).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^image ${second}-plain for plain is up to date`))]));
    expect(await imageId(`${second}-plain`)).toBe(before.plain); // the same image under the new project's name
    expect(await imageId(tuned)).toBe(before.tuned);
    await stackDown(docker, second);

    // Negative control: the same stack with one file of the context changed is built again.
    await writeFile(join(dir, 'app', 'hello.txt'), 'changed\n');
    const third = newProject('build');
    projects.push(third);
    tags.push(`${third}-plain:latest`, `${third}-alt:latest`);
    const rebuilt: string[] = [];
    await stackUp(docker, { project: third, stack: spec(compose) }, (m) => rebuilt.push(m));
    expect(rebuilt.filter((m) => m.startsWith('building ')).length).toBe(3);
    expect(await imageId(`${third}-plain`)).not.toBe(before.plain);
    expect((await execIn(docker, `${third}-tuned-1`, ['cat', '/hello.txt'])).stdout).toBe('changed\n');
    // The stages the final images do not build on were not left behind as untagged images; the
    // old tuned image lost its tag but is kept, because the first stack's container still uses it.
    const untagged = await docker.listImages({ filters: { dangling: ['true'] } });
    const mine = await Promise.all(untagged.map(async (i) => (await docker.getImage(i.Id).history()).map((h: { CreatedBy: string }) => h.CreatedBy).join('\n')));
    expect(mine.filter((h) => h.includes('echo final > /stage') || h.includes('echo debug > /stage')).length).toBe(1);
    expect(untagged.map((i) => i.Id)).toContain(before.tuned);
  });

  it('refuses a context outside the compose folder and a Dockerfile outside the context, before building', async () => {
    const project = newProject('build-bad');
    const err = await stackUp(docker, { project, stack: spec(join(FIXTURE, 'outside.yml')) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    const problems = (err as ValidationError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^services\.up\.build\.context: build context ".*fixtures\/compose\/keys" is outside the compose file's folder/);
    expect(problems[1]).toMatch(/^services\.escape\.build\.dockerfile: "\.\.\/outside\.yml" is outside the build context/);
    expect(await leftovers(docker, project)).toBe(0);
    expect(await docker.listImages({ filters: { reference: [`${project}-*`] } })).toEqual([]);
  });
});
