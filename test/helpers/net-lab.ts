/**
 * A small lab for network fault tests: NATS containers of one project on one Docker network, each
 * publishing 4222 and 8222 on pinned 127.0.0.1 ports, plus reachability checks run from inside a
 * container with nc. Everything is named with the given prefix; `remove()` deletes only that.
 */
import Docker from 'dockerode';
import { freePort } from './net';

export interface LabNode {
  id: string;
  name: string;
  service: string;
  ip: string;
  /** container port -> host port on 127.0.0.1 */
  host: Record<number, number>;
}

export class NetLab {
  readonly docker = new Docker();
  constructor(readonly project: string) {}

  get network(): string {
    return `${this.project}-net`;
  }

  async createNetwork(): Promise<void> {
    await this.docker.createNetwork({ Name: this.network, Labels: { 'faultline.project': this.project } });
  }

  async nats(service: string): Promise<LabNode> {
    return this.start(service, 'faultline/nats:local', undefined, [4222, 8222]);
  }

  /** Starts a container of the project on the lab network, publishing `ports` on pinned loopback ports. */
  async start(service: string, image: string, cmd: string[] | undefined, ports: number[]): Promise<LabNode> {
    const host: Record<number, number> = {};
    for (const p of ports) host[p] = await freePort();
    const name = `${this.project}-${service}-1`;
    const c = await this.docker.createContainer({
      Image: image,
      name,
      Cmd: cmd,
      Labels: { 'faultline.project': this.project, 'faultline.service': service },
      ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])),
      HostConfig: {
        NetworkMode: this.network,
        PortBindings: Object.fromEntries(ports.map((p) => [`${p}/tcp`, [{ HostIp: '127.0.0.1', HostPort: String(host[p]) }]])),
      },
    });
    await c.start();
    const info = await c.inspect();
    return { id: c.id, name, service, ip: info.NetworkSettings.Networks[this.network].IPAddress, host };
  }

  /** Exit code of a command run inside a container. */
  async exec(container: string, cmd: string[]): Promise<number> {
    const e = await this.docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await e.start({});
    await new Promise<void>((resolve) => {
      stream.on('end', () => resolve());
      stream.resume();
    });
    return (await e.inspect()).ExitCode ?? -1;
  }

  /** Whether `from` can open a TCP connection to ip:port within a second. */
  async reach(from: LabNode, ip: string, port: number): Promise<boolean> {
    return (await this.exec(from.id, ['nc', '-z', '-w', '1', ip, String(port)])) === 0;
  }

  /** Runs a throwaway base container with the given host config; returns its exit code. */
  /** `env` is what a reverter passes its script as data (e.g. a Toxiproxy proxy's name). */
  async runHelper(hostConfig: Docker.HostConfig, script: string, env: Record<string, string> = {}): Promise<number> {
    const c = await this.docker.createContainer({
      Image: 'faultline/base:bookworm',
      name: `${this.project}-helper-${Date.now()}`,
      Labels: { 'faultline.project': this.project },
      Cmd: ['sh', '-c', script],
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      HostConfig: hostConfig,
    });
    await c.start();
    const r = (await c.wait()) as { StatusCode: number };
    await c.remove({ force: true });
    return r.StatusCode;
  }

  async remove(): Promise<void> {
    const left = await this.docker.listContainers({ all: true, filters: { label: [`faultline.project=${this.project}`] } });
    await Promise.all(left.map((c) => this.docker.getContainer(c.Id).remove({ force: true })));
    const nets = await this.docker.listNetworks({ filters: { label: [`faultline.project=${this.project}`] } });
    await Promise.all(nets.map((n) => this.docker.getNetwork(n.Id).remove()));
  }
}
