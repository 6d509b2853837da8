/**
 * The host port as fault drivers see it: the raw process operations behind the worker's policy.
 * Every process a selector matches is judged before anything is signalled: host faults must be
 * enabled, the process name must be on the allowlist, and pid 1, the container daemons, the
 * Temporal server and the worker's own process tree are refused whatever the allowlist says
 * (a pid file such as /proc/self/stat names the worker itself). One refused match refuses the
 * whole call, so nothing is signalled. Restart commands come only from the policy, by name.
 */
import { FaultlineError } from '../../errors';
import { COMM_MAX, type ProcessSelector, isRefusedProcess } from '../../spec/faults/process';
import type { HostFaultPolicy } from '../policy';
import type { HostOps, ProcState } from './processes';

export interface HostPort {
  /** The matched pids, every one allowed by the policy; throws a non-retryable HostFaultRefused otherwise. */
  find(sel: ProcessSelector): Promise<number[]>;
  /** Why the policy refuses this selector before any process is looked at, or undefined. */
  refusal(sel: ProcessSelector): string | undefined;
  state(pid: number): Promise<ProcState | undefined>;
  signal(pid: number, signal: string): Promise<'done' | 'gone'>;
  /** The policy's restart command for the fault: by the fault's `restart` name, else by the process name. */
  restartCommand(sel: ProcessSelector, restart?: string): string[] | undefined;
  spawnDetached(argv: string[]): number;
}

const refusedName = isRefusedProcess;

const refused = (message: string): FaultlineError =>
  new FaultlineError('HostFaultRefused', message, {
    retryable: false,
    hint: "host faults run only when the worker's policy enables them and allowlists the process (docs/security.md)",
  });

export function guardHost(raw: HostOps, policy: HostFaultPolicy, self: number = process.pid): HostPort {
  /** Restarts this port started from the policy: children of the worker, but the operator's daemons, not the worker. */
  const spawned = new Set<number>();
  const allowed = (name: string) => policy.processes.includes('*') || policy.processes.some((p) => p.slice(0, COMM_MAX) === name.slice(0, COMM_MAX));

  /** The worker's ancestors (and itself): walked up through the parent pids. */
  async function ancestors(): Promise<Set<number>> {
    const seen = new Set<number>();
    for (let pid = self; pid > 0 && !seen.has(pid); ) {
      seen.add(pid);
      pid = (await raw.info(pid))?.ppid ?? 0;
    }
    return seen;
  }

  async function whyNot(pid: number, tree: Set<number>): Promise<string | undefined> {
    if (pid === 1) return 'pid 1 (init) is never signalled';
    const info = await raw.info(pid);
    if (!info) return undefined; // gone already: nothing to signal
    if (tree.has(pid)) return `pid ${pid} (${info.name}) is the worker or one of its ancestors`;
    // A descendant of the worker: its parent chain reaches the worker's pid (not through a policy restart).
    for (let p = pid, n = 0; p > 1 && n < 64 && !spawned.has(p); n++) {
      p = p === pid ? info.ppid : ((await raw.info(p))?.ppid ?? 0);
      if (p === self) return `pid ${pid} (${info.name}) is a child of the worker`;
    }
    if (refusedName(info.name)) return `pid ${pid} (${info.name}) is a container daemon or the Temporal server and is never signalled`;
    if (!allowed(info.name)) return `pid ${pid} (${info.name}) is not on the worker's process allowlist (${policy.processes.join(', ') || 'empty'})`;
    return undefined;
  }

  const port: HostPort = {
    refusal(sel) {
      if (!policy.enabled) return "host faults are disabled on this worker (enable them in the worker's policy: hostFaults.enabled and hostFaults.processes)";
      if (sel.name !== undefined && refusedName(sel.name.slice(0, COMM_MAX))) return `process ${sel.name} is a container daemon or the Temporal server and is never signalled`;
      if (sel.name !== undefined && !allowed(sel.name)) return `process ${sel.name} is not on the worker's process allowlist (${policy.processes.join(', ') || 'empty'})`;
      return undefined;
    },

    async find(sel) {
      const early = port.refusal(sel);
      if (early) throw refused(early);
      const pids = await raw.find(sel);
      const tree = await ancestors();
      const why = (await Promise.all(pids.map((p) => whyNot(p, tree)))).filter((w): w is string => w !== undefined);
      if (why.length > 0) throw refused(`refused, nothing signalled: ${why.join('; ')}`);
      return pids;
    },

    state: (pid) => raw.state(pid),

    async signal(pid, signal) {
      // Checked again at the moment of signalling: a pid may have been reused since find.
      const why = await whyNot(pid, await ancestors());
      if (why) throw refused(`refused, nothing signalled: ${why}`);
      return raw.signal(pid, signal);
    },

    restartCommand(sel, restart) {
      const name = restart ?? sel.name;
      return name !== undefined ? policy.restarts[name] : undefined;
    },

    spawnDetached(argv) {
      const pid = raw.spawnDetached(argv);
      if (pid > 0) spawned.add(pid);
      return pid;
    },
  };
  return port;
}
