/**
 * `process-kill` acts on a process of the worker's host that is not a container, chosen by a pid
 * file or by its exact process name (as in /proc/<pid>/comm). It has no container target.
 * Driver: src/activities/faults/host/.
 */
import { z } from 'zod';
import { SIGNAL } from './container';
import { HOST_ONLY, declareFault } from './kind';

/**
 * Processes no host fault ever signals, whatever a worker's allowlist says: the container daemons
 * and their shims, the Temporal server, init. The worker refuses them again at run time, by the
 * name the kernel reports for the matched pid (src/activities/host/guard.ts).
 */
export const ALWAYS_REFUSED_PROCESSES = ['dockerd', 'containerd', 'containerd-shim', 'docker-proxy', 'temporal', 'temporal-server', 'systemd', 'init'];
/** The kernel keeps 15 characters of a process name in /proc/<pid>/comm. */
export const COMM_MAX = 15;
export const isRefusedProcess = (name: string): boolean => {
  const comm = name.slice(0, COMM_MAX);
  return ALWAYS_REFUSED_PROCESSES.includes(comm) || comm.startsWith('containerd-shim');
};

export const ProcessSelector = z
  .object({
    // A pid file in /proc names a process by the reader (/proc/self/stat is the worker itself).
    pidFile: z
      .string()
      .min(1)
      .refine((p) => !/^\/+(proc|sys|dev)(\/|$)/.test(p), { message: 'a pid file under /proc, /sys or /dev is refused (/proc/self/stat would name the worker itself)' })
      .optional(),
    /** Exact name as the kernel keeps it (at most 15 characters; longer names are compared on their first 15). */
    name: z
      .string()
      .min(1)
      .refine((n) => !isRefusedProcess(n), { message: 'the container daemons, the Temporal server and init are never signalled' })
      .optional(),
  })
  .strict()
  .refine((p) => (p.pidFile === undefined) !== (p.name === undefined), { message: 'give exactly one of "pidFile" or "name"' });
export type ProcessSelector = z.infer<typeof ProcessSelector>;

const ProcessKill = z
  .object({
    kind: z.literal('process-kill'),
    process: ProcessSelector,
    signal: SIGNAL.default('SIGKILL'),
    /**
     * The NAME of a restart command in the worker's policy (hostFaults.restarts), started by restore
     * when no matching process runs any more; without it the process name selects one. A scenario
     * never gives the command itself: it would run on the worker's host as the worker's user.
     */
    restart: z
      .string({
        error: (iss) =>
          Array.isArray(iss.input)
            ? 'a scenario cannot give a restart command: name one of the worker\'s policy (hostFaults.restarts), e.g. restart: my-daemon'
            : 'give the name of a restart command of the worker\'s policy',
      })
      .min(1)
      .regex(/^[A-Za-z0-9._-]+$/, 'a restart name is letters, digits, ".", "_" and "-"')
      .optional(),
  })
  .strict();

export function describeProcess(p: ProcessSelector): string {
  return p.pidFile !== undefined ? `process of ${p.pidFile}` : `process ${p.name}`;
}

export const PROCESS_KILL = declareFault({
  kind: 'process-kill',
  schema: ProcessKill,
  target: HOST_ONLY,
  describe: (f) => `kill host ${describeProcess(f.process)} with ${f.signal}`,
  capabilities: { ports: ['host', 'clock'], selfRevert: false },
  docs: {
    breaks: 'sends `signal` to the host processes `process` selects (pid file or exact name)',
    undoneBy: "`SIGCONT` after a stop-type signal; else the worker policy's restart command (named by `restart`, else by the process name), if the process is gone",
    host: "`/proc` (Linux), permission to signal the process, and a worker policy that enables host faults and allowlists the process name",
  },
});
