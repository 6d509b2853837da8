/**
 * The container fault kinds: they act on a container's lifecycle through the Docker API and are
 * undone by driving it back to "running and unpaused". Drivers: src/activities/faults/container/.
 */
import { z } from 'zod';
import { Duration, formatDuration } from '../duration';
import { CONTAINER_TARGET, declareFault } from './kind';
import { Target, describeTarget } from '../target';
import { isSignal } from '../signals';

export const SIGNAL = z
  .string()
  .regex(/^(SIG[A-Z0-9+-]+|\d+)$/, 'expected a signal name like SIGKILL or SIGTERM')
  .refine((s) => !/^(SIG[A-Z0-9+-]+|\d+)$/.test(s) || isSignal(s), { message: 'not a Linux signal; expected a name like SIGKILL, SIGTERM or SIGUSR1, or a number from 1 to 64' });

const DOCKER = ['ops', 'clock'] as const;
const DOCKER_ONLY = 'the Docker engine';

export const CONTAINER_KILL = declareFault({
  kind: 'container-kill',
  schema: z.object({ kind: z.literal('container-kill'), target: Target, signal: SIGNAL.default('SIGKILL') }).strict(),
  target: CONTAINER_TARGET,
  describe: (f) => `kill ${describeTarget(f.target)} with ${f.signal}`,
  capabilities: { ports: DOCKER, selfRevert: true },
  docs: {
    breaks: 'sends `signal` (default `SIGKILL`) to the main process, usually ending it',
    undoneBy: 'starting the container if it is not running; `SIGCONT` after a stop-type signal',
    host: DOCKER_ONLY,
    keys: '`signal` (default `SIGKILL`); stop-type signals (`SIGSTOP`, `SIGTSTP`, ...) are undone with `SIGCONT`',
    residue: 'container not running',
  },
});

export const CONTAINER_STOP = declareFault({
  kind: 'container-stop',
  schema: z.object({ kind: z.literal('container-stop'), target: Target, grace: Duration.default('10s') }).strict(),
  target: CONTAINER_TARGET,
  describe: (f) => `stop ${describeTarget(f.target)} (grace ${formatDuration(f.grace)})`,
  capabilities: { ports: DOCKER, selfRevert: true },
  docs: {
    breaks: 'SIGTERM, then SIGKILL after `grace` (default `10s`)',
    undoneBy: 'starting it, waiting until Docker reports it running',
    host: DOCKER_ONLY,
    keys: '`grace` (default `10s`)',
    residue: 'container not running',
  },
});

export const CONTAINER_RESTART = declareFault({
  kind: 'container-restart',
  schema: z.object({ kind: z.literal('container-restart'), target: Target, grace: Duration.default('0s') }).strict(),
  target: CONTAINER_TARGET,
  describe: (f) => `restart ${describeTarget(f.target)} (grace ${formatDuration(f.grace)})`,
  capabilities: { ports: DOCKER, selfRevert: false },
  docs: {
    breaks: 'restarts it (grace default `0s`), dropping its in-memory state',
    undoneBy: 'nothing to revert; restore makes sure it runs again',
    host: DOCKER_ONLY,
    keys: '`grace` (default `0s`)',
    residue: 'container not running',
  },
});

export const CONTAINER_PAUSE = declareFault({
  kind: 'container-pause',
  schema: z.object({ kind: z.literal('container-pause'), target: Target }).strict(),
  target: CONTAINER_TARGET,
  describe: (f) => `pause ${describeTarget(f.target)}`,
  capabilities: { ports: DOCKER, selfRevert: true },
  docs: {
    breaks: 'freezes every process (cgroup freezer); connections stay open, silent',
    undoneBy: 'unpausing it',
    host: DOCKER_ONLY,
    keys: 'none',
    residue: 'container paused',
  },
});

export const CONTAINER_FAULTS = [CONTAINER_KILL, CONTAINER_STOP, CONTAINER_RESTART, CONTAINER_PAUSE] as const;
