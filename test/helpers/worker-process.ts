/**
 * A real worker in its own process (`node bin/faultline.js worker`), so a test can SIGKILL it
 * exactly as an operator's OOM killer would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths';
import { until } from './until';


export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function spawnWorker(address: string, artifactsDir: string, identity: string, extraArgs: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'faultline.js'), 'worker', '--identity', identity, ...extraArgs], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, FAULTLINE_ARTIFACTS_DIR: artifactsDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d) => (text += d));
  child.stderr?.on('data', (d) => (text += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // An early exit ends the wait too, and is reported with the worker's output.
  await until('the worker to poll its task queue', () => child.exitCode !== null || text.includes('polling task queue'), {
    timeoutMs: 60_000,
    everyMs: 100,
  }).catch((err: Error) => {
    throw new Error(`${err.message}:\n${text}`);
  });
  if (child.exitCode !== null) throw new Error(`worker exited early:\n${text}`);
  return {
    child,
    output: () => text,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The workers one test file spawns, so its teardown can SIGKILL every one it started. */
export class WorkerPool {
  private readonly started: WorkerProcess[] = [];

  constructor(private readonly artifactsDir: () => string) {}

  async spawn(address: string, identity: string): Promise<WorkerProcess> {
    const w = await spawnWorker(address, this.artifactsDir(), identity);
    this.started.push(w);
    return w;
  }

  async killAll(): Promise<void> {
    for (const w of this.started) await w.kill('SIGKILL');
  }
}
