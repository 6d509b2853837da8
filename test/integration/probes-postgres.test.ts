/**
 * The postgres probe against the local Postgres image (built here only if missing; the setup
 * script builds it for everyone). Removed in afterAll.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createContainerOps } from '../../src/activities/docker/container-ops';
import { systemClock } from '../../src/activities/ports';
import { runProbe, timeToGreen } from '../../src/activities/probes';
import type { Sample, StackHandle } from '../../src/activities/types';
import type { Expectation } from '../../src/spec/expect';
import { ProbeSpec } from '../../src/spec/probes';
import { freePort } from '../helpers/net';
import { until } from '../helpers/until';
import { ANY_PORT } from '../../src/spec/host-ports';

const IMAGE = 'faultline/postgres:local';
const docker = new Docker();
// One test probes a free host port with nothing behind it; the worker allows any port here.
const deps = { ops: createContainerOps(docker), clock: systemClock, hostPorts: ANY_PORT };
const PROJECT = `fltest-probes-pg-${randomBytes(4).toString('hex')}`;
let stack: StackHandle;
let container: Docker.Container;

const probe = (p: Record<string, unknown>, expect?: Expectation): Promise<Sample> => runProbe(deps, { probe: ProbeSpec.parse(p), stack, expect });

beforeAll(async () => {
  const present = await docker.getImage(IMAGE).inspect().then(() => true, () => false);
  if (!present) {
    execFileSync('docker', ['build', '-q', '-t', IMAGE, join(__dirname, '../../infra/images/postgres')], { stdio: 'ignore' });
  }
  const port = await freePort();
  container = await docker.createContainer({
    Image: IMAGE,
    name: `${PROJECT}-postgres-1`,
    Labels: { 'faultline.project': PROJECT, 'faultline.service': 'postgres' },
    ExposedPorts: { '5432/tcp': {} },
    HostConfig: { PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
  });
  await container.start();
  stack = { project: PROJECT, services: ['postgres'], ports: { 'postgres:5432': port } };
  // The image's healthcheck is pg_isready: the container probe turns green once it says healthy.
  const healthy = await timeToGreen(deps, {
    probe: ProbeSpec.parse({ kind: 'container', target: { service: 'postgres' } }),
    stack,
    since: Date.now(),
    withinMs: 60_000,
    consecutive: 1,
    intervalMs: 250,
  });
  expect(healthy.green).toBe(true);
}, 300_000);

afterAll(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [`faultline.project=${PROJECT}`] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
});

describe('postgres probe', () => {
  it('select 1 with an eq expectation on the first column', async () => {
    const s = await probe({ kind: 'postgres', service: 'postgres', sql: 'select 1 as one' }, { eq: 1 });
    expect(s).toMatchObject({ ok: true, value: { rows: [{ one: 1 }], rowCount: 1, value: 1 } });
  });

  it('takes its password from the lab secret file (the lab image trusts any password); an unset one fails the activity', async () => {
    const s = await probe({ kind: 'postgres', service: 'postgres', password: { file: 'infra/docker/lab-secrets/postgres-password' }, sql: 'select 1' });
    expect(s).toMatchObject({ ok: true, value: { value: 1 } });
    delete process.env.FAULTLINE_SECRET_PG_UNSET;
    await expect(probe({ kind: 'postgres', service: 'postgres', password: { env: 'FAULTLINE_SECRET_PG_UNSET' }, sql: 'select 1' })).rejects.toThrow(
      'secret env:FAULTLINE_SECRET_PG_UNSET: the variable is not set (or empty) on the worker',
    );
  });

  it('without an expectation a successful query passes', async () => {
    expect(await probe({ kind: 'postgres', service: 'postgres', sql: 'select now()' })).toMatchObject({ ok: true });
  });

  it('bigint counts compare as numbers; jsonpath reaches into rows', async () => {
    const sql = 'select count(*) as n, 7 as seven from generate_series(1, 5)';
    expect(await probe({ kind: 'postgres', service: 'postgres', sql }, { lt: 10 })).toMatchObject({ ok: true, value: { value: '5' } });
    expect(await probe({ kind: 'postgres', service: 'postgres', sql }, { jsonpath: '$.rows[0].seven', eq: 8 })).toMatchObject({
      ok: false,
      error: 'expected $.rows[0].seven = 8, got 7',
    });
  });

  it('failing SQL is ok:false with the server message', async () => {
    const s = await probe({ kind: 'postgres', service: 'postgres', sql: 'select * from no_such_table' });
    expect(s).toMatchObject({ ok: false, error: expect.stringContaining('query failed: relation "no_such_table" does not exist') });
  });

  it('nothing listening is ok:false', async () => {
    const s = await probe({ kind: 'postgres', host: '127.0.0.1', port: await freePort(), sql: 'select 1' });
    expect(s).toMatchObject({ ok: false, error: expect.stringContaining('cannot connect') });
  });

  it('a paused server is ok:false within the timeout', async () => {
    await container.pause();
    try {
      const t0 = Date.now();
      const s = await probe({ kind: 'postgres', service: 'postgres', sql: 'select 1', timeout: '800ms' });
      expect(s.ok).toBe(false);
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      await container.unpause();
    }
    expect(await probe({ kind: 'postgres', service: 'postgres', sql: 'select 1' }, { eq: 1 })).toMatchObject({ ok: true });
    // The timed-out probe's connection must not linger once the server runs again.
    const others = "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()";
    // On timeout, the expect below shows the last sample.
    let s: Sample | undefined;
    await until('no other client connection', async () => {
      s = await probe({ kind: 'postgres', service: 'postgres', sql: others }, { eq: 0 });
      return s.ok;
    }, { timeoutMs: 10_000 }).catch(() => undefined);
    expect(s).toMatchObject({ ok: true });
  });
});
