/**
 * Container output for artifacts and error messages. Without a TTY Docker multiplexes stdout and
 * stderr into frames (1 byte stream, 3 zero bytes, 4 bytes big-endian length); the frames are
 * joined in order so the file reads like the terminal would have.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { projectContainers } from './docker-spec';
import { ignoreGone } from './resources';

export function demultiplex(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const stream = buf[at];
    const framed = stream <= 2 && buf[at + 1] === 0 && buf[at + 2] === 0 && buf[at + 3] === 0;
    const size = buf.readUInt32BE(at + 4);
    // Anything that does not look like a frame is raw TTY output; keep it as it is.
    if (!framed || at + 8 + size > buf.length) return at === 0 ? buf : Buffer.concat([...parts, buf.subarray(at)]);
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(at < buf.length ? [...parts, buf.subarray(at)] : parts);
}

async function readLogs(docker: Docker, id: string, opts: { tail?: number; timestamps?: boolean }): Promise<Buffer> {
  const buf = await docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, ...opts });
  return demultiplex(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)));
}

/** The last lines of a container's output, for error messages; empty when it cannot be read. */
export async function tailLogs(docker: Docker, id: string, lines = 30): Promise<string> {
  try {
    return (await readLogs(docker, id, { tail: lines })).toString('utf8').trimEnd();
  } catch {
    return '';
  }
}

/**
 * Writes `<dir>/<container>.log` for every container of the project, stopped ones included (a
 * container that crashed is the one whose log matters). Lines carry Docker's timestamps so they
 * can be lined up with the run's timeline.
 */
export async function collectLogs(docker: Docker, project: string, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const containers = await projectContainers(docker, project);
  const files: string[] = [];
  for (const c of containers) {
    const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
    const buf = await ignoreGone(readLogs(docker, c.Id, { timestamps: true }));
    if (buf === undefined) continue;
    const file = join(dir, `${name}.log`);
    await writeFile(file, buf);
    files.push(file);
  }
  return files.sort();
}
