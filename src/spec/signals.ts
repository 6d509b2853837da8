/**
 * The signals a kill fault may send: the names Linux has (as `kill -l` lists them) and the numbers
 * 1 to 64. A name the kernel does not have used to pass validation and fail the run at inject time.
 * Pure, no `node:os`: this module is also bundled into workflow code.
 */
export const SIGNAL_NAMES = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGIOT', 'SIGBUS', 'SIGFPE', 'SIGKILL',
  'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT',
  'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF',
  'SIGWINCH', 'SIGIO', 'SIGPOLL', 'SIGPWR', 'SIGSYS',
] as const;

const NAMES: ReadonlySet<string> = new Set(SIGNAL_NAMES);
const REALTIME = /^SIGRTMIN(\+([1-9]|1[0-5]))?$|^SIGRTMAX(-([1-9]|1[0-4]))?$/;

/** A Linux signal name (SIGRTMIN+n and SIGRTMAX-n included) or a number from 1 to 64. */
export function isSignal(s: string): boolean {
  if (/^\d+$/.test(s)) return Number(s) >= 1 && Number(s) <= 64;
  return NAMES.has(s) || REALTIME.test(s);
}
