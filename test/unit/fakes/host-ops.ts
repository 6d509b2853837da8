/**
 * An in-memory host-process port: processes with a name (as in /proc/<pid>/comm), a state and
 * optionally a pid file. A terminating signal removes the process, SIGSTOP-like signals stop it,
 * SIGCONT resumes it; a detached start adds a process named after the program.
 */
import { basename } from 'node:path';
import type { HostOps, ProcState } from '../../../src/activities/host/processes';
import type { ProcessSelector } from '../../../src/spec/faults/process';

export interface FakeProcess {
  pid: number;
  name: string;
  state: ProcState;
  ppid: number;
}

const STOPS = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', '19', '20', '21', '22']);

export class FakeHostOps implements HostOps {
  readonly processes = new Map<number, FakeProcess>();
  readonly pidFiles = new Map<string, number>();
  readonly signals: string[] = [];
  private nextPid = 300;

  /** Starts a process; with `pidFile`, its pid is written there. */
  add(name: string, pidFile?: string, ppid = 1): number {
    const pid = this.nextPid++;
    this.processes.set(pid, { pid, name, state: 'running', ppid });
    if (pidFile) this.pidFiles.set(pidFile, pid);
    return pid;
  }

  async find(sel: ProcessSelector): Promise<number[]> {
    if (sel.pidFile !== undefined) {
      const pid = this.pidFiles.get(sel.pidFile);
      return pid !== undefined && this.processes.has(pid) ? [pid] : [];
    }
    const want = (sel.name ?? '').slice(0, 15);
    return [...this.processes.values()].filter((p) => p.name.slice(0, 15) === want).map((p) => p.pid);
  }

  async state(pid: number): Promise<ProcState | undefined> {
    return this.processes.get(pid)?.state;
  }

  async info(pid: number): Promise<{ name: string; ppid: number } | undefined> {
    const p = this.processes.get(pid);
    return p && { name: p.name.slice(0, 15), ppid: p.ppid };
  }

  signal(pid: number, signal: string): 'done' | 'gone' {
    this.signals.push(`${signal} ${pid}`);
    const p = this.processes.get(pid);
    if (!p) return 'gone';
    if (STOPS.has(signal)) p.state = 'stopped';
    else if (signal === 'SIGCONT') p.state = 'running';
    else this.processes.delete(pid);
    return 'done';
  }

  spawnDetached(argv: string[]): number {
    return this.add(basename(argv[0]));
  }
}
