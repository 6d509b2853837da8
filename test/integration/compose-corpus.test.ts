import { connect } from 'node:net';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { stackDown, stackUp } from '../../src/activities/stack';
import type { StackHandle } from '../../src/activities/types';
import { leftovers, newProject } from '../helpers/compose-run';
import { until } from '../helpers/until';

/**
 * A small corpus of compose files written in the styles of well-known kinds of projects
 * (test/fixtures/compose/corpus/*), each started by Faultline's own stack up on the real engine,
 * probed from loopback on its published ports, torn down, and checked for leftovers.
 */
const docker = new Docker();
const CORPUS = resolve(__dirname, '../fixtures/compose/corpus');

/** Starts the corpus entry for the tests of one describe block and tears it down after them. */
function corpusStack(entry: string): { handle: () => StackHandle; project: string } {
  const project = newProject(`corpus-${entry}`);
  let handle: StackHandle | undefined;
  beforeAll(async () => {
    handle = await stackUp(docker, { project, stack: { compose: resolve(CORPUS, entry, 'compose.yml'), profiles: [], keep: false, healthTimeout: '90s' } });
  });
  afterAll(async () => {
    await stackDown(docker, project);
    expect(await leftovers(docker, project)).toBe(0);
  });
  return {
    project,
    handle: () => {
      if (!handle) throw new Error(`${entry} did not start`);
      return handle;
    },
  };
}

const get = async (port: number, path: string) => {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, headers: r.headers, body: await r.text() };
};

/** The first bytes a TCP server sends on connect. */
function greeting(port: number): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.once('data', (d) => (s.destroy(), ok(d.toString()))));
    s.setTimeout(5000, () => (s.destroy(), fail(new Error('timeout'))));
    s.once('error', fail);
  });
}

describe('corpus: web + worker + database + queue', () => {
  const stack = corpusStack('web-db-queue');

  it('publishes only the web port', () => {
    expect(Object.keys(stack.handle().ports)).toEqual(['web:8080']);
    expect(stack.handle().services).toEqual(['db', 'queue', 'web', 'worker']);
  });

  it('serves a request that crosses the queue to the worker and is stored in the database', async () => {
    const port = stack.handle().ports['web:8080'];
    const first = await get(port, '/job?text=hello');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ id: 1, reply: 'HELLO processed by the worker', jobs: 1 });
    const second = JSON.parse((await get(port, '/job?text=again')).body) as { jobs: number };
    expect(second.jobs).toBe(2);
  });

  it('keeps the database in its named volume and the image healthcheck with the tuned timing', async () => {
    const db = await docker.getContainer(`${stack.project}-db-1`).inspect();
    expect(db.Mounts.find((m) => m.Destination === '/var/lib/postgresql/data')).toMatchObject({ Type: 'volume', Name: `${stack.project}_pgdata` });
    expect(db.Config.Healthcheck?.Test?.slice(0, 2)).toEqual(['CMD', 'pg_isready']);
    expect(db.Config.Healthcheck?.Interval).toBe(1e9);
    expect(db.State.Health?.Status).toBe('healthy');
  });
});

describe('corpus: three-node broker cluster', () => {
  const stack = corpusStack('broker-cluster');

  it('forms the full mesh: every node has routes to the other two', async () => {
    for (const n of [1, 2, 3]) {
      const port = stack.handle().ports[`broker-${n}:8222`];
      await until(`broker-${n} has 2 routes`, async () => ((JSON.parse((await get(port, '/routez')).body) as { num_routes: number }).num_routes === 2), {
        timeoutMs: 30_000,
      });
    }
  });

  it('greets clients on each node and applies the anchor limits', async () => {
    for (const n of [1, 2, 3]) {
      expect(await greeting(stack.handle().ports[`broker-${n}:4222`])).toMatch(new RegExp(`^INFO .*"server_name":"broker-${n}"`));
      const info = await docker.getContainer(`${stack.project}-broker-${n}-1`).inspect();
      expect(info.HostConfig.Memory).toBe(128 * 1024 ** 2);
      expect(info.HostConfig.NanoCpus).toBe(0.5e9);
      expect(info.HostConfig.Ulimits).toEqual([{ Name: 'nofile', Soft: 16384, Hard: 16384 }]);
    }
  });
});

describe('corpus: reverse proxy in front of two backends', () => {
  const stack = corpusStack('reverse-proxy');

  it('spreads requests over both backends, which accept the key from the shared secret', async () => {
    const port = stack.handle().ports['proxy:8080'];
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(port, `/orders/${i}`));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const colors = answers.map((a) => (JSON.parse(a.body) as { color: string }).color);
    expect(new Set(colors)).toEqual(new Set(['blue', 'green']));
    expect(answers.map((a) => a.headers.get('x-upstream')).sort()).toEqual(['app-blue', 'app-blue', 'app-green', 'app-green']);
  });

  it('keeps the backends unpublished on an internal network, read-only and without capabilities', async () => {
    expect(Object.keys(stack.handle().ports)).toEqual(['proxy:8080']);
    const blue = await docker.getContainer(`${stack.project}-blue-1`).inspect();
    expect(Object.keys(blue.NetworkSettings.Networks)).toEqual([`${stack.project}_internal`]);
    expect((await docker.getNetwork(`${stack.project}_internal`).inspect()).Internal).toBe(true);
    expect(blue.HostConfig.ReadonlyRootfs).toBe(true);
    expect(blue.HostConfig.CapDrop).toEqual(['ALL']);
  });

  it('a backend refuses a request without the key (negative control for the secret)', async () => {
    const blue = await docker.getContainer(`${stack.project}-blue-1`).inspect();
    const r = await docker.getContainer(blue.Id).exec({ Cmd: ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:8080/orders/1'], AttachStdout: true });
    const stream = await r.start({});
    let out = '';
    stream.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((ok) => stream.on('end', () => ok()));
    expect(out).toContain('401');
  });
});

describe('corpus: policy engine behind a proxy', () => {
  const stack = corpusStack('policy-gateway');

  const decide = async (input: Record<string, string>) => {
    const r = await fetch(`http://127.0.0.1:${stack.handle().ports['sidecar:8181']}/v1/data/corpus/allow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    return ((await r.json()) as { result: boolean }).result;
  };

  it('answers policy decisions through the proxy, from the policy mounted as a config', async () => {
    expect(await until('the proxy forwards to OPA', () => decide({ method: 'GET', path: '/docs/a' }).catch(() => undefined), { timeoutMs: 20_000 })).toBe(true);
    expect(await decide({ method: 'DELETE', path: '/docs/a' })).toBe(false);
    expect(await decide({ method: 'GET', path: '/admin' })).toBe(false);
  });

  it('the proxy loaded its routes from the mounted config', async () => {
    const r = await get(stack.handle().ports['sidecar:8474'], '/proxies');
    expect(JSON.parse(r.body)).toMatchObject({ opa: { listen: '[::]:8181', upstream: 'opa:8181', enabled: true } });
  });
});
