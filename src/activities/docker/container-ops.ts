/**
 * ContainerOps over dockerode. Docker answers "already in that state" in several ways (304 for
 * start/stop, 409 "already paused", 500 "is not paused" on API 1.41); they all become `already`,
 * so drivers can repeat any call. A 404 is always ContainerGoneError.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import {
  type ContainerFilter,
  type ContainerOps,
  type ContainerState,
  type HealthStatus,
  type OpResult,
  ContainerConflictError,
  ContainerGoneError,
} from '../ports';
import type { ContainerRef } from '../types';
import { COMPOSE_LABELS, LABELS } from './labels';

interface DockerError {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

const asDockerError = (err: unknown): DockerError => (typeof err === 'object' && err !== null ? (err as DockerError) : {});
const messageOf = (e: DockerError): string => e.json?.message ?? e.message ?? 'unknown Docker error';

/** Phrases Docker uses when the container already is where the caller wants it. */
const ALREADY = /already (paused|started|running|stopped)|is not paused/i;
const NOT_RUNNING = /is not running/i;

export function createContainerOps(docker: Docker): ContainerOps {
  async function call(id: string, op: string, fn: () => Promise<unknown>, notRunningIsAlready = false): Promise<OpResult> {
    try {
      await fn();
      return 'done';
    } catch (err) {
      const e = asDockerError(err);
      const msg = messageOf(e);
      if (e.statusCode === 404) throw new ContainerGoneError(id, op);
      if (e.statusCode === 304 || ALREADY.test(msg)) return 'already';
      if (notRunningIsAlready && NOT_RUNNING.test(msg)) return 'already';
      if (e.statusCode === 409) throw new ContainerConflictError(id, op, msg);
      if (e.statusCode === 400) throw new FaultlineError('InvalidFault', `Docker refused to ${op} ${id.slice(0, 12)}: ${msg}`, { retryable: false });
      throw new FaultlineError('DockerError', `Docker failed to ${op} ${id.slice(0, 12)}: ${msg}`, { cause: err });
    }
  }

  const c = (id: string) => docker.getContainer(id);

  return {
    async list(filter: ContainerFilter): Promise<ContainerRef[]> {
      const base = Object.entries(filter.labels ?? {}).map(([k, v]) => `${k}=${v}`);
      // A project is Faultline's label on what it started, or the compose label on a project any
      // compose implementation started (an attached stack); Docker ANDs label filters, so ask twice.
      const queries =
        filter.project === undefined ? [base] : [[...base, `${LABELS.project}=${filter.project}`], [...base, `${COMPOSE_LABELS.project}=${filter.project}`]];
      const infos = new Map<string, Docker.ContainerInfo>();
      for (const label of queries) {
        for (const i of await docker.listContainers({ all: true, filters: label.length > 0 ? { label } : {} })) infos.set(i.Id, i);
      }
      return [...infos.values()]
        .map((i) => refOf(i))
        .filter((r) => filter.name === undefined || r.name === filter.name)
        .filter((r) => filter.service === undefined || r.service === filter.service)
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async inspect(id: string): Promise<ContainerState | undefined> {
      try {
        const info = await c(id).inspect();
        const s = info.State;
        return {
          exists: true,
          running: s.Running,
          paused: s.Paused,
          restarting: s.Restarting,
          status: s.Status,
          health: toHealth(s.Health?.Status),
          restartCount: info.RestartCount,
          pid: s.Pid,
          exitCode: s.ExitCode,
        };
      } catch (err) {
        if (asDockerError(err).statusCode === 404) return undefined;
        throw new FaultlineError('DockerError', `Docker failed to inspect ${id.slice(0, 12)}: ${messageOf(asDockerError(err))}`, { cause: err });
      }
    },

    kill: (id, signal) => call(id, `kill (${signal})`, () => c(id).kill({ signal }), true),
    stop: (id, graceSec) => call(id, 'stop', () => c(id).stop({ t: graceSec }), true),
    start: (id) => call(id, 'start', () => c(id).start()),
    restart: (id, graceSec) => call(id, 'restart', () => c(id).restart({ t: graceSec })),
    pause: (id) => call(id, 'pause', () => c(id).pause()),
    unpause: (id) => call(id, 'unpause', () => c(id).unpause(), true),
  };
}

/** Faultline's service label first (a surge clone has only that one), else the compose service. */
function refOf(i: Docker.ContainerInfo): ContainerRef {
  const ref: ContainerRef = { id: i.Id, name: (i.Names[0] ?? i.Id).replace(/^\//, '') };
  const service = i.Labels[LABELS.service] ?? i.Labels[COMPOSE_LABELS.service];
  if (service !== undefined) ref.service = service;
  if (i.Labels[LABELS.project] === undefined) ref.owned = false;
  return ref;
}

function toHealth(s: string | undefined): HealthStatus {
  return s === 'healthy' || s === 'unhealthy' || s === 'starting' ? s : 'none';
}
