// Breaks: sends a signal (SIGKILL by default) to a process of the worker's host, chosen by pid file or exact name.
// Undone by: SIGCONT after a stop-type signal; else the worker policy's restart command if the process is gone.
// Everything goes through the policy-guarded host port: a refused process is never signalled.
import { FaultlineError } from '../../../errors';
import type { FaultOf } from '../../../spec/faults';
import { describeProcess } from '../../../spec/faults/process';
import type { FaultDriver, PortsOf, TargetOutcome } from '../driver';

type ProcessKillFault = FaultOf<'process-kill'>;

const STOP_SIGNALS = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', '19', '20', '21', '22']);
/** How long restore waits for a restarted process to show up before it asks for a retry. */
const RESTART_WAIT_MS = 10_000;

export function processKill(ports: PortsOf<'process-kill'>): FaultDriver<ProcessKillFault> {
  const { host, clock } = ports;
  return {
    async inject(ctx) {
      const what = describeProcess(ctx.fault.process);
      const pids = await host.find(ctx.fault.process);
      // A retried inject finds the process already dead: that is the fault holding.
      if (pids.length === 0) return `${what}: not running (nothing to signal)`;
      const hit: number[] = [];
      for (const pid of pids) if ((await host.signal(pid, ctx.fault.signal)) === 'done') hit.push(pid);
      return `${what}: sent ${ctx.fault.signal} to pid ${hit.join(', ') || '(none left)'}`;
    },

    async restore(ctx): Promise<TargetOutcome> {
      const f = ctx.fault;
      const what = describeProcess(f.process);
      // A selector this worker refuses was never touched by it: there is nothing to undo here.
      const why = host.refusal(f.process);
      if (why) return { outcome: 'already-clean', detail: `nothing was done: ${why}` };
      const pids = await host.find(f.process);
      const states = await Promise.all(pids.map((p) => host.state(p)));
      const stopped = pids.filter((_, i) => states[i] === 'stopped');
      if (stopped.length > 0) {
        for (const p of stopped) await host.signal(p, 'SIGCONT');
        return { outcome: 'restored', detail: `sent SIGCONT to pid ${stopped.join(', ')}` };
      }
      if (pids.length > 0 || STOP_SIGNALS.has(f.signal)) return { outcome: 'already-clean' };
      const argv = host.restartCommand(f.process, f.restart);
      if (!argv) {
        const named = f.restart ?? f.process.name;
        throw new FaultlineError('RestoreImpossible', `${what} is not running and the worker's policy has no restart command${named ? ` "${named}"` : ''} to start it again`, {
          retryable: false,
          hint: "add it to the worker's policy (hostFaults.restarts: { name: [program, args...] }), or accept that the run ends dirty",
        });
      }
      host.spawnDetached(argv);
      const deadline = clock.now() + RESTART_WAIT_MS;
      while ((await host.find(f.process)).length === 0) {
        if (clock.now() >= deadline) {
          throw new FaultlineError('RestoreIncomplete', `${what} did not appear within ${RESTART_WAIT_MS / 1000}s of running ${argv.join(' ')}`);
        }
        await clock.sleep(200);
      }
      return { outcome: 'restored', detail: `started ${argv.join(' ')}` };
    },

    async verify(ctx) {
      const what = describeProcess(ctx.fault.process);
      if (host.refusal(ctx.fault.process)) return [];
      const pids = await host.find(ctx.fault.process);
      if (pids.length === 0) return [`${what}: not running`];
      const states = await Promise.all(pids.map((p) => host.state(p)));
      return pids.filter((_, i) => states[i] === 'stopped').map((p) => `${what}: pid ${p} stopped`);
    },
  };
}
