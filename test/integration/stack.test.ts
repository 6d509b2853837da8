import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { collectLogs, stackDown, stackPorts, stackUp } from '../../src/activities/stack';
import { FaultlineError } from '../../src/errors';
import type { StackSpec } from '../../src/spec';
import { until } from '../helpers/until';

/** Stack activities on the real Docker engine with the real NATS image. */
const docker = new Docker();
const CHAOS = resolve(__dirname, '../../infra/docker/docker-compose.chaos.yml');
const FIXTURES = resolve(__dirname, '../fixtures/compose');
const projects: string[] = [];

function newProject(): string {
  const p = `fltest-stack-${randomBytes(4).toString('hex')}`;
  projects.push(p);
  return p;
}
const spec = (compose: string, profiles: string[], healthTimeout = '60s'): StackSpec => ({ compose, profiles, keep: false, healthTimeout });
const byProject = (project: string) => ({ label: [`faultline.project=${project}`] });

async function leftovers(project: string): Promise<number> {
  const filters = byProject(project);
  const [c, n, v] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters }), docker.listVolumes({ filters })]);
  return c.length + n.length + (v.Volumes ?? []).length;
}

/** Connects and reads the server's greeting: NATS says INFO first. */
function greeting(port: number): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.once('data', (d) => (s.destroy(), ok(d.toString()))));
    s.setTimeout(5000, () => (s.destroy(), fail(new Error('timeout'))));
    s.once('error', fail);
  });
}

async function routes(port: number): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/routez`);
  return ((await r.json()) as { num_routes: number }).num_routes;
}

async function failure(p: Promise<unknown>): Promise<FaultlineError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof FaultlineError)) throw new Error(`expected a FaultlineError, got ${String(err)}`);
  return err;
}

afterAll(async () => {
  for (const p of projects) await stackDown(docker, p);
});

describe('chaos-nats profile', () => {
  const project = newProject();
  const progress: string[] = [];
  let first: Awaited<ReturnType<typeof stackUp>>;

  beforeAll(async () => {
    first = await stackUp(docker, { project, stack: spec(CHAOS, ['chaos-nats']) }, (m) => progress.push(m));
  });

  it('starts three labelled containers, running and healthy, on one project network', async () => {
    expect(first.services).toEqual(['nats-1', 'nats-2', 'nats-3']);
    for (const s of first.services) {
      const info = await docker.getContainer(`${project}-${s}-1`).inspect();
      expect(info.State.Status).toBe('running');
      expect(info.State.Health?.Status).toBe('healthy');
      expect(info.Config.Labels).toMatchObject({ 'faultline.project': project, 'faultline.service': s, 'com.docker.compose.service': s });
      expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`${project}_chaos`]);
    }
    expect(progress).toContain('starting nats-1');
  });

  it('publishes 4222 and 8222 on 127.0.0.1 only, and clients can connect', async () => {
    for (const s of first.services) {
      const info = await docker.getContainer(`${project}-${s}-1`).inspect();
      for (const b of Object.values(info.NetworkSettings.Ports).flatMap((l) => l ?? [])) expect(b.HostIp).toBe('127.0.0.1');
      expect(await greeting(first.ports[`${s}:4222`])).toMatch(/^INFO /);
    }
  });

  it('forms the cluster: every server reports 2 routes', async () => {
    // On timeout, the expect below shows the counts seen last.
    let counts: number[] = [];
    await until('every server to have 2 routes', async () => {
      counts = await Promise.all(first.services.map((s) => routes(first.ports[`${s}:8222`])));
      return counts.every((c) => c === 2);
    }, { timeoutMs: 30_000, everyMs: 500 }).catch(() => undefined);
    expect(counts).toEqual([2, 2, 2]);
  });

  it('is idempotent: up again adopts the same containers and restarts a stopped one on the same ports', async () => {
    const ids = await Promise.all(first.services.map(async (s) => (await docker.getContainer(`${project}-${s}-1`).inspect()).Id));
    await docker.getContainer(`${project}-nats-2-1`).kill();
    expect(await stackPorts(docker, project)).toEqual(first);
    const again = await stackUp(docker, { project, stack: spec(CHAOS, ['chaos-nats']) });
    expect(again).toEqual(first);
    const after = await Promise.all(first.services.map(async (s) => docker.getContainer(`${project}-${s}-1`).inspect()));
    expect(after.map((i) => i.Id)).toEqual(ids);
    expect(after.map((i) => i.State.Health?.Status)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(await greeting(first.ports['nats-2:4222'])).toMatch(/^INFO /);
  });

  it('collects each container log into <dir>/<container>.log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fltest-logs-'));
    try {
      const files = await collectLogs(docker, project, dir);
      expect(files).toEqual(first.services.map((s) => join(dir, `${project}-${s}-1.log`)));
      const text = await readFile(files[0], 'utf8');
      expect(text).toMatch(/Server is ready/);
      // Demultiplexed: no 8-byte frame headers (they start with a 0x01 or 0x02 byte) left in the text.
      expect(['\x01\x00\x00\x00', '\x02\x00\x00\x00'].filter((header) => text.includes(header))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tears down everything with the project label, and a second teardown is harmless', async () => {
    const { removed } = await stackDown(docker, project);
    expect(removed).toEqual([...first.services.map((s) => `${project}-${s}-1`), `${project}_chaos`].sort());
    expect(await leftovers(project)).toBe(0);
    expect(await stackDown(docker, project)).toEqual({ removed: [] });
  });
});

describe('concurrent attempts', () => {
  it('two racing stack ups of one project end with one stack (a retried activity may overlap the first attempt)', async () => {
    const project = newProject();
    // allSettled, so a failing attempt cannot leave the other one creating after the teardown.
    const [a, b] = await Promise.allSettled([0, 1].map(() => stackUp(docker, { project, stack: spec(CHAOS, ['chaos-nats']) })));
    expect(a.status).toBe('fulfilled');
    expect(b).toEqual(a);
    const filters = byProject(project);
    expect(await docker.listContainers({ all: true, filters })).toHaveLength(3);
    expect(await docker.listNetworks({ filters })).toHaveLength(1);
    await stackDown(docker, project);
  });
});

describe('dependencies, volumes and environment', () => {
  it('starts a dependent only after its dependency is healthy, with volumes, binds, aliases and env', async () => {
    const project = newProject();
    const handle = await stackUp(docker, { project, stack: spec(join(FIXTURES, 'deps.yml'), []) });
    expect(handle).toEqual({ project, ports: {}, services: ['reader', 'writer'] });
    // The reader prints its findings right after it starts; give it a moment to reach the last line.
    let logs = '';
    await until('the reader to print its greeting', async () => {
      logs = (await docker.getContainer(`${project}-reader-1`).logs({ stdout: true, stderr: true, follow: false })).toString();
      return logs.includes('greeting=');
    }, { timeoutMs: 5000, everyMs: 250 }).catch(() => undefined);
    expect(logs).toContain('saw-ready');
    expect(logs).toContain('hello from the fixture');
    expect(logs).toContain('resolved-writer');
    expect(logs).toContain('greeting=hi');
    const reader = await docker.getContainer(`${project}-reader-1`).inspect();
    expect(reader.Config.Labels.role).toBe('reader');
    const { removed } = await stackDown(docker, project);
    expect(removed).toEqual(expect.arrayContaining([`${project}_shared`, `${project}_default`]));
    expect(await leftovers(project)).toBe(0);
  });
});

describe('failures', () => {
  it('names the missing image and how it is built, and creates nothing', async () => {
    const project = newProject();
    const err = await failure(stackUp(docker, { project, stack: spec(join(FIXTURES, 'broken.yml'), ['missing']) }));
    expect(err.code).toBe('ImageMissing');
    expect(err.message).toContain('faultline/never-built:local (service ghost)');
    expect(err.message).toContain('built locally by `npm run setup` (scripts/setup.sh)');
    expect(err.hint).toContain('npm run setup');
    expect(err.retryable).toBe(false);
    expect(await leftovers(project)).toBe(0);
  });

  it('fails at once when a container exits, with its last log lines', async () => {
    const project = newProject();
    const started = Date.now();
    const err = await failure(stackUp(docker, { project, stack: spec(join(FIXTURES, 'broken.yml'), ['crash']) }));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(err.code).toBe('StackUnhealthy');
    expect(err.message).toContain('service crasher');
    expect(err.message).toContain('exited with code 3');
    expect(err.message).toContain('boom-before-exit');
    await stackDown(docker, project);
  });

  it('fails at the health timeout with the failing check and the log lines', async () => {
    const project = newProject();
    const progress: string[] = [];
    const err = await failure(stackUp(docker, { project, stack: spec(join(FIXTURES, 'broken.yml'), ['sick'], '4s') }, (m) => progress.push(m)));
    expect(err.code).toBe('StackUnhealthy');
    expect(err.message).toMatch(/service sick \(container fltest-stack-\w+-sick-1\) is unhealthy after 4s/);
    expect(err.message).toContain('probe-failed');
    expect(err.message).toContain('sick-is-up');
    expect(progress.filter((m) => m.startsWith('waiting for sick')).length).toBeGreaterThanOrEqual(2);
    await stackDown(docker, project);
  });

  it('stops waiting when cancelled', async () => {
    const project = newProject();
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('cancelled by test')), 1500);
    const p = stackUp(docker, { project, stack: spec(join(FIXTURES, 'broken.yml'), ['sick'], '60s') }, undefined, abort.signal);
    await expect(p).rejects.toThrow('cancelled by test');
    await stackDown(docker, project);
  });
});
