/**
 * `process-kill` acts on a process of the worker's host that is not a container, chosen by a pid
 * file or by its exact process name (as in /proc/<pid>/comm). It has no container target.
 * Driver: src/activities/faults/host/.
 */
import { z } from 'zod';
import { SIGNAL } from './container';
import { HOST_ONLY, declareFault } from './kind';

export const ProcessSelector = z
  .object({
    pidFile: z.string().min(1).optional(),
    /** Exact name as the kernel keeps it (at most 15 characters; longer names are compared on their first 15). */
    name: z.string().min(1).optional(),
  })
  .strict()
  .refine((p) => (p.pidFile === undefined) !== (p.name === undefined), { message: 'give exactly one of "pidFile" or "name"' });
export type ProcessSelector = z.infer<typeof ProcessSelector>;

const ProcessKill = z
  .object({
    kind: z.literal('process-kill'),
    process: ProcessSelector,
    signal: SIGNAL.default('SIGKILL'),
    /** argv started (detached) by restore when no matching process runs any more. */
    restart: z.array(z.string().min(1)).min(1, 'give the command as a list: [program, arg...]').optional(),
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
    undoneBy: '`SIGCONT` after a stop-type signal; else the `restart` command, if given and the process is gone',
    host: '`/proc` (Linux) and permission to signal the process',
  },
});
