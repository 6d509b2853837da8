/**
 * What a compose file may bind-mount from the worker's host. A bind mount gives the container the
 * host path with the container's privileges, so `/:/host` or the Docker socket in a scenario's
 * compose file would hand whoever wrote it the worker's host. A bind source must lie under the
 * compose file's own folder, or under a root the worker's operator allowed; some paths are refused
 * even then: `/`, `/proc`, `/sys`, `/dev`, `/etc`, Docker's and containerd's sockets and state, and
 * any folder that contains one of them. Symbolic links are followed before judging.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface ComposePolicy {
  /** Host folders, besides the compose file's own, that bind mounts may come from. */
  bindRoots?: string[];
  /**
   * Folders a compose file may be read from (the worker's policy, for paths in workflow input;
   * the Faultline folder is always one). Undefined: any path (the CLI reading its user's own file).
   */
  composeRoots?: string[];
}

const ALWAYS_REFUSED = [
  '/proc',
  '/sys',
  '/dev',
  '/etc',
  '/boot',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/docker',
  '/run/docker',
  '/var/lib/docker',
  '/var/run/containerd',
  '/run/containerd',
  '/var/lib/containerd',
];

/** The path with every symbolic link resolved, as far as it exists; the missing tail is kept as written. */
export function realPath(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(realPath(parent), basename(abs));
}

export const within = (child: string, parent: string): boolean => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** Why this bind source may not be mounted, or undefined when it may. `baseDir` is the compose file's folder. */
export function bindRefusal(source: string, baseDir: string, policy: ComposePolicy = {}): string | undefined {
  const real = realPath(source);
  const shown = real === resolve(source) ? `"${source}"` : `"${source}" (${real})`;
  if (real === sep) return `bind mount of ${shown}: the host's root folder is never mounted`;
  // Both spellings: on Debian /var/run is a link to /run, and a link may lead from either.
  for (const refused of new Set([...ALWAYS_REFUSED, ...ALWAYS_REFUSED.map(realPath)])) {
    if (within(real, refused)) return `bind mount of ${shown}: ${refused} is never mounted (it gives the container the host)`;
    if (within(refused, real)) return `bind mount of ${shown}: it contains ${refused}, which is never mounted`;
  }
  const roots = [realPath(baseDir), ...(policy.bindRoots ?? []).map(realPath)];
  if (!roots.some((r) => within(real, r))) {
    return `bind mount of ${shown} is outside the compose file's folder ${roots[0]}; move it there, or let the worker allow it (compose.bindRoots in the worker's policy, or FAULTLINE_BIND_ROOTS)`;
  }
  return undefined;
}

/** The worker's (or CLI's) own allowance: FAULTLINE_BIND_ROOTS, absolute folders separated by ":". */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): ComposePolicy {
  const roots = (env.FAULTLINE_BIND_ROOTS ?? '').split(':').filter((r) => r !== '');
  return { bindRoots: roots.filter((r) => isAbsolute(r)) };
}
