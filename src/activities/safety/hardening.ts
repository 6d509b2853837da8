/**
 * Least privilege for Faultline's helper containers. A helper runs a short POSIX script and nothing
 * else, so it gets the smallest box that script fits in: every capability dropped and only NET_ADMIN
 * given back to a reverter that edits a target's iptables or qdiscs, no-new-privileges, a read-only
 * root with a small tmpfs for the scratch files of the scripts, memory and pids limits, and the
 * Docker socket only where a container fault must be undone through the Engine API. The image is
 * named by its id, resolved once: a re-tagged `faultline/base:bookworm` cannot swap what a helper
 * with the Docker socket runs after the worker started.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';

/** The tag helpers are built from; they are created from the image id it names, never from the tag. */
export const HELPER_IMAGE = 'faultline/base:bookworm';
const SOCKET = '/var/run/docker.sock';
/** Enough for sh, curl and iptables; far below anything that could press on the host. */
export const HELPER_MEMORY = 32 * 1024 * 1024;
export const HELPER_PIDS = 32;

/** What one helper needs beyond a bare sandbox. */
export interface HelperAccess {
  /** Network mode: `none`, `container:<id>` (a target's namespace) or a Docker network. */
  network: string;
  /** NET_ADMIN inside the namespace it joins (iptables, tc). */
  netAdmin?: boolean;
  /** The Docker socket, for container-fault reverters only. */
  dockerSocket?: boolean;
}

const resolved = new WeakMap<Docker, Promise<string>>();

/** The helper image's `sha256:` id, looked up once per engine connection; a failed lookup is retried next time. */
export function helperImageId(docker: Docker): Promise<string> {
  let id = resolved.get(docker);
  if (!id) {
    id = docker
      .getImage(HELPER_IMAGE)
      .inspect()
      .then((info) => {
        if (!/^sha256:[0-9a-f]{64}$/.test(info.Id)) throw new Error(`unexpected image id ${info.Id}`);
        return info.Id;
      })
      .catch((err: unknown) => {
        resolved.delete(docker);
        throw new FaultlineError('HelperImageMissing', `cannot resolve the helper image ${HELPER_IMAGE}: ${(err as Error).message}`, { cause: err });
      });
    resolved.set(docker, id);
  }
  return id;
}

/** The HostConfig every helper is created with. */
export function hardenedHostConfig(access: HelperAccess): Docker.HostConfig {
  return {
    NetworkMode: access.network,
    CapDrop: ['ALL'],
    CapAdd: access.netAdmin ? ['NET_ADMIN'] : [],
    SecurityOpt: ['no-new-privileges:true'],
    ReadonlyRootfs: true,
    // /tmp for the scripts' scratch files (the Engine API bodies); /run for iptables' xtables lock.
    Tmpfs: { '/tmp': 'rw,noexec,nosuid,nodev,size=1m', '/run': 'rw,noexec,nosuid,nodev,size=1m' },
    Memory: HELPER_MEMORY,
    MemorySwap: HELPER_MEMORY,
    PidsLimit: HELPER_PIDS,
    Binds: access.dockerSocket ? [`${SOCKET}:${SOCKET}`] : [],
  };
}
