/**
 * Installs the SDK runtime once per process: warnings and errors only, and no signal handlers of
 * its own. The CLI handles Ctrl-C itself, because the SDK's default (shut the worker down) would
 * stop the very worker that has to restore the faults.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

export function installRuntime(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN', shutdownSignals: NodeJS.Signals[] = []): void {
  if (installed) return;
  Runtime.install({ logger: new DefaultLogger(level), shutdownSignals });
  installed = true;
}
