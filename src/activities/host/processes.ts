/**
 * The host-process port of `process-kill`: find processes by pid file or exact name, signal them,
 * read their state and start a command detached. Processes are those of the worker's own host.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { FaultlineError } from '../../errors';
import type { ProcessSelector } from '../../spec/faults/process';

export type ProcState = 'running' | 'stopped' | 'zombie';

export interface HostOps {
  find(sel: ProcessSelector): Promise<number[]>;
  state(pid: number): Promise<ProcState | undefined>;
  /** The process's name (as in /proc/<pid>/comm) and parent pid; undefined when it is gone. */
  info(pid: number): Promise<{ name: string; ppid: number } | undefined>;
  signal(pid: number, signal: string): 'done' | 'gone';
  spawnDetached(argv: string[]): number;
}

/** The kernel keeps 15 characters of a process name in /proc/<pid>/comm. */
const COMM_MAX = 15;

export const hostOps: HostOps = {
  async find(sel) {
    if (sel.pidFile !== undefined) {
      const text = await readFile(sel.pidFile, 'utf8').catch(() => '');
      const pid = Number.parseInt(text.trim(), 10);
      return Number.isInteger(pid) && pid > 0 && (await this.state(pid)) !== undefined ? [pid] : [];
    }
    const want = (sel.name ?? '').slice(0, COMM_MAX);
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
      if (comm?.trim() === want && (await this.state(pid)) !== 'zombie') pids.push(pid);
    }
    return pids.sort((a, b) => a - b);
  },

  async state(pid) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) return undefined;
    // The state letter follows the command name, which is in parentheses and may contain spaces.
    const s = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (s === 'Z' || s === 'X') return 'zombie';
    return s === 'T' || s === 't' ? 'stopped' : 'running';
  },

  async info(pid) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) return undefined;
    // "pid (name) state ppid ...": the name may contain spaces and parentheses, so cut at the last ")".
    const close = stat.lastIndexOf(')');
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return { name: stat.slice(stat.indexOf('(') + 1, close), ppid: Number.isInteger(ppid) ? ppid : 0 };
  },

  signal(pid, signal) {
    try {
      process.kill(pid, /^\d+$/.test(signal) ? Number(signal) : (signal as NodeJS.Signals));
      return 'done';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
      throw new FaultlineError('SignalFailed', `kill -${signal} ${pid}: ${(err as Error).message}`, { retryable: false });
    }
  },

  spawnDetached(argv) {
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined); // reported through the wait for the process instead
    child.unref();
    return child.pid ?? 0;
  },
};
