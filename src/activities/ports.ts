/**
 * The small ports that fault drivers, probes and rollbacks depend on. They are injected through
 * `createActivities(deps)` so unit tests swap Docker and time for in-memory fakes, and so no driver
 * holds a module-level client.
 */
import { FaultlineError } from '../errors';
import type { ContainerRef } from './types';

export type HealthStatus = 'healthy' | 'unhealthy' | 'starting' | 'none';

/** What the drivers need to know about a container; `undefined` from `inspect` means it is gone. */
export interface ContainerState {
  exists: true;
  running: boolean;
  paused: boolean;
  restarting: boolean;
  /** Docker's own word: created, running, paused, restarting, exited, dead. */
  status: string;
  /** Only meaningful while running: Docker keeps the last health of an exited container. */
  health: HealthStatus;
  restartCount: number;
  pid: number;
  exitCode: number;
}

/** Every field given must match; stopped containers are included. */
export interface ContainerFilter {
  project?: string;
  service?: string;
  name?: string;
  labels?: Record<string, string>;
}

/**
 * `done`: the call changed the container. `already`: it was already in the asked state (Docker's
 * 304, or a 409 like "already paused"), which is what makes inject and restore safe to repeat.
 */
export type OpResult = 'done' | 'already';

/** Every mutating call throws ContainerGoneError when the container no longer exists. */
export interface ContainerOps {
  list(filter: ContainerFilter): Promise<ContainerRef[]>;
  inspect(id: string): Promise<ContainerState | undefined>;
  kill(id: string, signal: string): Promise<OpResult>;
  stop(id: string, graceSec: number): Promise<OpResult>;
  start(id: string): Promise<OpResult>;
  restart(id: string, graceSec: number): Promise<OpResult>;
  pause(id: string): Promise<OpResult>;
  unpause(id: string): Promise<OpResult>;
}

export class ContainerGoneError extends FaultlineError {
  constructor(id: string, op: string) {
    super('ContainerGone', `container ${id.slice(0, 12)} no longer exists (${op})`, {
      context: { id, op },
      retryable: false,
    });
    this.name = 'ContainerGoneError';
  }
}

/** The container is in a state the call cannot work from, e.g. pausing a stopped container. */
export class ContainerConflictError extends FaultlineError {
  constructor(id: string, op: string, reason: string) {
    super('ContainerConflict', `cannot ${op} container ${id.slice(0, 12)}: ${reason}`, { context: { id, op, reason } });
    this.name = 'ContainerConflictError';
  }
}

export const isGone = (err: unknown): err is ContainerGoneError => err instanceof ContainerGoneError;

export interface Clock {
  now(): number;
  /** Rejects with the signal's reason when aborted, so a cancelled activity stops waiting at once. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export function abortReason(signal: AbortSignal | undefined): Error {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r : new Error(typeof r === 'string' ? r : 'aborted');
}
