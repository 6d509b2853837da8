/**
 * A stack started outside Faultline, the way a user would: Debian's `docker-compose` (v1), which
 * scripts/setup.sh installs. Where it is missing (setup off Debian), the same containers are made
 * with dockerode and the labels compose writes (`com.docker.compose.project`, `.service`,
 * `.container-number`), named `<project>_<service>_1` as v1 names them; `how` says which was used.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { until } from './until';

const run = promisify(execFile);
export const ATTACH_COMPOSE = join(__dirname, '..', 'fixtures', 'compose', 'attach', 'docker-compose.yml');

export interface OutsideStack {
  project: string;
  how: 'docker-compose' | 'dockerode';
  /** The host port NATS publishes 4222 on (127.0.0.1). */
  natsPort: number;
  down(): Promise<void>;
}

async function hasComposeV1(): Promise<boolean> {
  try {
    await run('docker-compose', ['version']);
    return true;
  } catch {
    return false;
  }
}

export async function startOutsideStack(docker: Docker, project: string, natsPort: number): Promise<OutsideStack> {
  const env = { ...process.env, NATS_PORT: String(natsPort) };
  if (await hasComposeV1()) {
    await run('docker-compose', ['-p', project, '-f', ATTACH_COMPOSE, 'up', '-d'], { env, timeout: 120_000 });
    await waitHealthy(docker, `${project}_nats_1`);
    return {
      project,
      how: 'docker-compose',
      natsPort,
      down: async () => void (await run('docker-compose', ['-p', project, '-f', ATTACH_COMPOSE, 'down', '-v', '-t', '1'], { env, timeout: 120_000 })),
    };
  }
  const labels = (service: string) => ({ 'com.docker.compose.project': project, 'com.docker.compose.service': service, 'com.docker.compose.container-number': '1' });
  const net = await docker.createNetwork({ Name: `${project}_default`, Labels: { 'com.docker.compose.project': project, 'com.docker.compose.network': 'default' } });
  const nats = await docker.createContainer({
    name: `${project}_nats_1`,
    Image: 'faultline/nats:local',
    Cmd: ['-c', '/etc/nats/nats.conf'],
    Labels: labels('nats'),
    ExposedPorts: { '4222/tcp': {} },
    Healthcheck: { Test: ['CMD', 'curl', '-fsS', 'http://127.0.0.1:8222/healthz'], Interval: 1e9, Timeout: 2e9, Retries: 30 },
    HostConfig: { NetworkMode: `${project}_default`, PortBindings: { '4222/tcp': [{ HostIp: '127.0.0.1', HostPort: String(natsPort) }] } },
    NetworkingConfig: { EndpointsConfig: { [`${project}_default`]: { Aliases: ['nats'] } } },
  });
  await nats.start();
  await waitHealthy(docker, `${project}_nats_1`);
  const worker = await docker.createContainer({
    name: `${project}_worker_1`,
    Image: 'faultline/base:bookworm',
    Cmd: ['tini', '--', 'sleep', 'infinity'],
    Labels: labels('worker'),
    HostConfig: { NetworkMode: `${project}_default` },
    NetworkingConfig: { EndpointsConfig: { [`${project}_default`]: { Aliases: ['worker'] } } },
  });
  await worker.start();
  return {
    project,
    how: 'dockerode',
    natsPort,
    async down() {
      for (const c of [nats, worker]) await c.remove({ force: true, v: true }).catch(() => undefined);
      await net.remove().catch(() => undefined);
    },
  };
}

async function waitHealthy(docker: Docker, name: string): Promise<void> {
  await until(`${name} to be healthy`, async () => (await docker.getContainer(name).inspect()).State.Health?.Status === 'healthy', { timeoutMs: 60_000, everyMs: 250 });
}

/** Every container of the project with its id and state, sorted by name: what "still up" is checked against. */
export async function projectState(docker: Docker, project: string): Promise<Array<{ name: string; id: string; state: string; paused: boolean }>> {
  const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  const out = [];
  for (const c of list) {
    const info = await docker.getContainer(c.Id).inspect();
    out.push({ name: info.Name.replace(/^\//, ''), id: info.Id, state: info.State.Status, paused: info.State.Paused });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
