import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { stackDown, stackUp } from '../../src/activities/stack';
import { ValidationError } from '../../src/errors';
import type { StackSpec } from '../../src/spec';
import { execIn, leftovers, newProject } from '../helpers/compose-run';

/**
 * The run-shaping compose keys on a real engine: one stack (test/fixtures/compose/keys/compose.yml)
 * started by Faultline's own stack up, then each key checked twice where it can be: in the
 * container's inspect data and from inside the container (the kernel's view).
 */
const docker = new Docker();
const KEYS = resolve(__dirname, '../fixtures/compose/keys');
const spec = (file: string): StackSpec => ({ compose: resolve(KEYS, file), profiles: [], keep: false, healthTimeout: '60s' });

async function refusal(p: Promise<unknown>): Promise<ValidationError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(err)}`);
  return err;
}

describe('compose keys on a real engine', () => {
  const project = newProject('keys');
  const prefix = `10.${randomInt(100, 250)}.${randomInt(1, 250)}`;
  const name = (service: string, n = 1) => `${project}-${service}-${n}`;
  let info: Docker.ContainerInspectInfo;
  let inside: Record<string, string>;

  beforeAll(async () => {
    process.env.KEYS_SUBNET_PREFIX = prefix;
    await stackUp(docker, { project, stack: spec('compose.yml') });
    info = await docker.getContainer(name('keys')).inspect();
    // One exec reads what the kernel applied; each line is "name=value".
    const script = [
      'echo uid=$(id -u) gid=$(id -g)',
      'echo pwd=$(pwd)',
      'echo nofile=$(ulimit -Sn)/$(ulimit -Hn)',
      'echo nproc=$(ulimit -Su)',
      'echo somaxconn=$(cat /proc/sys/net/core/somaxconn)',
      'echo capbnd=$(grep CapBnd /proc/self/status | cut -f2)',
      'echo nonewprivs=$(grep NoNewPrivs /proc/self/status | cut -f2)',
      'echo pid1=$(cat /proc/1/comm)',
      'echo hosts=$(grep -c -E "10.9.8.7[[:space:]]+upstream.example|10.9.8.6[[:space:]]+other.example" /etc/hosts)',
      'echo resolv=$(grep -E "^(nameserver|search)" /etc/resolv.conf | tr "\\n" " ")',
      'echo shm=$(df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2)',
      'echo tmpfs=$(grep " /scratch-tmp " /proc/mounts | cut -d" " -f3,4)',
      'echo data=$(grep " /data " /proc/mounts | cut -d" " -f1,3)',
      'echo datawrite=$(touch /data/x && echo yes)',
      'echo conf=$(cat /etc/keys-conf/settings.txt | tr " " "_")',
      'echo confro=$(touch /etc/keys-conf/x 2>/dev/null && echo writable || echo readonly)',
      'echo cache=$(grep " /cache " /proc/mounts | cut -d" " -f3,4)',
      'echo memmax=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)',
    ].join('; ');
    const r = await execIn(docker, name('keys'), ['bash', '-c', script]);
    inside = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .flatMap((l) => l.split(/ (?=[a-z0-9]+=)/))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1).trim()]),
    );
  });

  afterAll(async () => {
    await stackDown(docker, project);
    delete process.env.KEYS_SUBNET_PREFIX;
  });

  it('restart, init and expose', async () => {
    expect(info.HostConfig.RestartPolicy).toEqual({ Name: 'unless-stopped', MaximumRetryCount: 0 });
    expect(info.HostConfig.Init).toBe(true);
    expect(inside.pid1).toBe('docker-init');
    expect(Object.keys(info.Config.ExposedPorts ?? {}).sort()).toEqual(['8080/tcp', '9090/udp']);
    // The policy really restarts: stop the service's process from inside, the engine starts it again.
    await execIn(docker, name('keys'), ['bash', '-c', 'kill -TERM 1']);
    let after = info;
    for (let i = 0; i < 100 && after.RestartCount === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await docker.getContainer(name('keys')).inspect();
    }
    expect(after.RestartCount).toBeGreaterThanOrEqual(1);
  });

  it('cap_add, cap_drop, security_opt and user', () => {
    expect(info.HostConfig.CapAdd).toEqual(['NET_ADMIN']);
    expect(info.HostConfig.CapDrop).toEqual(['MKNOD', 'NET_RAW']);
    const bnd = BigInt(`0x${inside.capbnd}`);
    const has = (bit: number) => (bnd >> BigInt(bit)) & 1n;
    expect(has(12)).toBe(1n); // CAP_NET_ADMIN, not in Docker's default set
    expect(has(13)).toBe(0n); // CAP_NET_RAW, in the default set, dropped
    expect(has(27)).toBe(0n); // CAP_MKNOD, likewise
    expect(info.HostConfig.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(inside.nonewprivs).toBe('1');
    expect(info.Config.User).toBe('1000:1000');
    expect(inside.uid).toBe('1000');
    expect(inside.gid).toBe('1000');
  });

  it('working_dir, tmpfs, shm_size and a named volume with driver options', async () => {
    expect(info.Config.WorkingDir).toBe('/srv/work');
    expect(inside.pwd).toBe('/srv/work');
    expect(info.HostConfig.Tmpfs).toEqual({ '/scratch-tmp': 'size=8m,mode=1777', '/cache': 'size=2097152' });
    expect(inside.tmpfs).toMatch(/^tmpfs rw,.*size=8192k/);
    expect(info.HostConfig.ShmSize).toBe(16 * 1024 ** 2);
    expect(inside.shm).toBe(String(16 * 1024));
    const vol = await docker.getVolume(`${project}_scratch`).inspect();
    expect(vol.Options).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=4m,uid=1000' });
    expect(inside.data).toBe('tmpfs tmpfs');
    expect(inside.datawrite).toBe('yes'); // uid=1000 from the options: the service's user may write
  });

  it('long-syntax volumes: a read-only bind and a tmpfs with a size', () => {
    expect(inside.conf).toBe('mounted_by_the_long_volume_syntax');
    expect(inside.confro).toBe('readonly');
    expect(info.HostConfig.Binds).toEqual([`${KEYS}/conf:/etc/keys-conf:ro`]);
    expect(inside.cache).toMatch(/^tmpfs rw,.*size=2048k/);
  });

  it('a long-syntax port is published on 127.0.0.1 with a pinned host port', async () => {
    const a = await docker.getContainer(name('addressed')).inspect();
    const binding = a.NetworkSettings.Ports['8080/tcp']?.[0];
    expect(binding?.HostIp).toBe('127.0.0.1');
    expect(Number(binding?.HostPort)).toBeGreaterThan(0);
    expect(a.HostConfig.PortBindings['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: binding?.HostPort }]);
  });

  it('ulimits and sysctls', () => {
    expect(info.HostConfig.Ulimits).toEqual([
      { Name: 'nofile', Soft: 1024, Hard: 2048 },
      { Name: 'nproc', Soft: 512, Hard: 512 },
    ]);
    expect(inside.nofile).toBe('1024/2048');
    expect(inside.nproc).toBe('512');
    expect(info.HostConfig.Sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(inside.somaxconn).toBe('1024');
  });

  it('extra_hosts, dns and dns_search', () => {
    expect(info.HostConfig.ExtraHosts).toEqual(['upstream.example:10.9.8.7', 'other.example:10.9.8.6']);
    expect(inside.hosts).toBe('2');
    expect(info.HostConfig.Dns).toEqual(['10.53.0.53']);
    expect(info.HostConfig.DnsSearch).toEqual(['corp.example']);
    // On a user-defined network Docker's embedded DNS (127.0.0.11) answers and forwards to these.
    expect(inside.resolv).toContain('search corp.example');
  });

  it('stop_signal and stop_grace_period (the anchor default overridden)', () => {
    const config = info.Config as { StopSignal?: string; StopTimeout?: number };
    expect(config.StopSignal).toBe('SIGUSR1');
    expect(config.StopTimeout).toBe(7);
  });

  it('deploy.resources limits and reservations', () => {
    expect(info.HostConfig.Memory).toBe(96 * 1024 ** 2);
    expect(info.HostConfig.NanoCpus).toBe(0.5e9);
    expect(info.HostConfig.PidsLimit).toBe(200);
    expect(info.HostConfig.MemoryReservation).toBe(32 * 1024 ** 2);
    expect(info.HostConfig.CpuShares).toBe(256); // 0.25 CPU as a relative weight
    expect(inside.memmax).toBe(String(96 * 1024 ** 2));
  });

  it('logging', () => {
    expect(info.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } });
  });

  it('healthcheck in string form (CMD-SHELL) and list form, both healthy', async () => {
    expect(info.Config.Healthcheck?.Test).toEqual(['CMD-SHELL', 'test -d /srv/work && echo ok']);
    expect(info.Config.Healthcheck?.Interval).toBe(1e9);
    expect(info.Config.Healthcheck?.Timeout).toBe(2e9);
    expect(info.Config.Healthcheck?.Retries).toBe(30);
    const listed = await docker.getContainer(name('replicated', 1)).inspect();
    expect(listed.Config.Healthcheck?.Test).toEqual(['CMD', 'test', '-e', '/proc/1']);
    expect(listed.State.Health?.Status).toBe('healthy');
  });

  it('deploy.replicas starts N containers of the service', async () => {
    const all = await docker.listContainers({ filters: { label: [`faultline.project=${project}`, 'faultline.service=replicated'] } });
    expect(all.map((c) => c.Names[0].slice(1)).sort()).toEqual([name('replicated', 1), name('replicated', 2)]);
    expect(all.every((c) => c.State === 'running')).toBe(true);
  });

  it('network aliases and a static ipv4 address on an ipam subnet', async () => {
    const a = await docker.getContainer(name('addressed')).inspect();
    const pinned = a.NetworkSettings.Networks[`${project}_pinned`];
    expect(pinned.IPAddress).toBe(`${prefix}.23`);
    expect(pinned.Aliases).toEqual(expect.arrayContaining(['addressed', 'pinned-alias', 'second-alias']));
    expect(Object.keys(a.NetworkSettings.Networks).sort()).toEqual([`${project}_default`, `${project}_pinned`]);
    const net = await docker.getNetwork(`${project}_pinned`).inspect();
    expect(net.IPAM?.Config).toEqual([{ Subnet: `${prefix}.0/24`, Gateway: `${prefix}.1` }]);
    // Another container on that network resolves the alias to the static address.
    const r = await execIn(docker, name('addressed'), ['getent', 'hosts', 'pinned-alias']);
    expect(r.stdout.split(/\s+/)[0]).toBe(`${prefix}.23`);
  });

  it('env_file, .env interpolation, defaults and $$ escaping', () => {
    const env = Object.fromEntries((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    expect(env).toMatchObject({
      APP_MODE: 'env-file',
      QUOTED: 'two words',
      OVERRIDES_ENV_FILE: 'from-environment', // environment wins over env_file
      FROM_DOTENV: 'from-dotenv',
      DEFAULTED: 'fallback-value',
      EMPTY_DEFAULTED: 'empty-was-replaced', // ":-" replaces an empty value
      DASH_DEFAULT: '', // "-" only replaces an unset one
      REQUIRED_PRESENT: 'from-dotenv',
      ESCAPED: '${NOT_INTERPOLATED}',
    });
  });

  it('x- keys are ignored and anchors merged', () => {
    expect(info.Config.Labels).toMatchObject({ fixture: 'keys' });
    expect(Object.keys(info.Config.Labels ?? {}).some((k) => k.startsWith('x-'))).toBe(false);
    expect(info.Config.Cmd).toEqual(['sleep', 'infinity']);
  });
});

describe('compose files refused before anything starts', () => {
  it('${VAR:?message} with the variable unset is refused with the message', async () => {
    const project = newProject('keys-req');
    const err = await refusal(stackUp(docker, { project, stack: spec('refused-required.yml') }));
    expect(err.problems).toEqual(['services.app.environment.TOKEN: required variable "KEYS_REQUIRED_TOKEN" is not set: set KEYS_REQUIRED_TOKEN to the API token']);
    expect(await leftovers(docker, project)).toBe(0);
  });

  it('the same file starts once the variable is set (negative control)', async () => {
    const project = newProject('keys-req');
    process.env.KEYS_REQUIRED_TOKEN = 'abc';
    try {
      await stackUp(docker, { project, stack: spec('refused-required.yml') });
      const info = await docker.getContainer(`${project}-app-1`).inspect();
      expect(info.Config.Env).toContain('TOKEN=abc');
    } finally {
      delete process.env.KEYS_REQUIRED_TOKEN;
      await stackDown(docker, project);
    }
  });

  it('a key that cannot be honoured is refused with its path and reason', async () => {
    const project = newProject('keys-bad');
    const err = await refusal(stackUp(docker, { project, stack: spec('refused-key.yml') }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^services\.bad\.privileged: "privileged" is refused: a privileged container has every capability/);
    expect(await leftovers(docker, project)).toBe(0);
  });
});
