/**
 * The network port of the fault drivers: what a container looks like on the network and a way to
 * run a command inside its network namespace. Commands run from the host through `nsenter -n`
 * (about 12 ms, no helper container, nothing needed in the target image); the worker runs as root.
 */
import { execFile } from 'node:child_process';
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import { COMPOSE_LABELS, LABELS } from '../docker/labels';
import { statusOf } from '../docker/status';

export interface NetInfo {
  /** Main process on the host; 0 when the container is not running (its namespace is gone). */
  pid: number;
  project?: string;
  /** Docker network name -> the container's IPv4 address on it. */
  addresses: Record<string, string>;
  /** `containerPort/proto` -> host port published on 127.0.0.1. */
  published: Record<string, number>;
  /** Every exposed `containerPort/proto`, published or not. */
  exposed: string[];
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface NetOps {
  /** `undefined` when the container no longer exists. */
  info(id: string): Promise<NetInfo | undefined>;
  /** Runs argv in the network namespace of `pid` (the host's binaries, the container's network). */
  inNetns(pid: number, argv: string[]): Promise<ExecResult>;
}

const EXEC_TIMEOUT_MS = 10_000;

export function createNetOps(docker: Docker): NetOps {
  return {
    async info(id) {
      try {
        const i = await docker.getContainer(id).inspect();
        const addresses: Record<string, string> = {};
        for (const [name, n] of Object.entries(i.NetworkSettings.Networks ?? {})) if (n.IPAddress) addresses[name] = n.IPAddress;
        const published: Record<string, number> = {};
        const ports = i.NetworkSettings.Ports ?? {};
        for (const [port, binds] of Object.entries(ports)) {
          const b = (binds ?? []).find((x) => x.HostIp === '127.0.0.1' || x.HostIp === '0.0.0.0');
          if (b) published[port] = Number(b.HostPort);
        }
        return { pid: i.State.Running ? i.State.Pid : 0, project: i.Config.Labels?.[LABELS.project] ?? i.Config.Labels?.[COMPOSE_LABELS.project], addresses, published, exposed: Object.keys(ports) };
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw new FaultlineError('DockerError', `Docker failed to inspect ${id.slice(0, 12)}: ${String(err)}`, { cause: err });
      }
    },
    inNetns: (pid, argv) => run('nsenter', ['-t', String(pid), '-n', '--', ...argv]),
  };
}

/** Runs a host command; a non-zero exit is a result, not an error, so callers can read stderr. */
export function run(cmd: string, args: string[]): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: EXEC_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        const missing = err.code === 'ENOENT';
        reject(
          new FaultlineError(missing ? 'HostToolMissing' : 'HostCommandFailed', `${cmd}: ${err.message}`, {
            retryable: !missing,
            hint: missing ? `install ${cmd} on the worker's host (scripts/setup.sh does on Debian)` : undefined,
          }),
        );
        return;
      }
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}
