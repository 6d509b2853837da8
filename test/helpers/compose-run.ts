/** Shared bits of the compose integration tests: run a command in a container, count leftovers. */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export function newProject(prefix: string): string {
  return `fltest-${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Runs `cmd` in the container and returns its exit code and output (stdout and stderr apart). */
export async function execIn(docker: Docker, container: string, cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const e = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({});
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve) => stream.on('end', () => resolve()));
  return { code: (await e.inspect()).ExitCode ?? -1, stdout, stderr };
}

/** Containers, networks and volumes still labelled with the project. */
export async function leftovers(docker: Docker, project: string): Promise<number> {
  const filters = { label: [`faultline.project=${project}`] };
  const [c, n, v] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters }), docker.listVolumes({ filters })]);
  return c.length + n.length + (v.Volumes ?? []).length;
}
