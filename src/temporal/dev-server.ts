/**
 * Starts (or reuses) a local `temporal server start-dev` with the Web UI, a database file under the
 * state folder and Faultline's search attributes. The server is detached and outlives the CLI, so
 * the Web UI link keeps working after `faultline run` exits; `faultline server stop` ends it.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { FaultlineError } from '../errors';
import { type TemporalSettings, stateDir, temporalCliPath } from './config';
import { searchAttributeFlags } from './search-attributes';

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  dir?: string;
  /** Keep the server attached to this process (tests) instead of detached. */
  attached?: boolean;
  onLog?: (msg: string) => void;
}

export interface DevServer extends TemporalSettings {
  pid: number;
  reused: boolean;
  stop(): Promise<void>;
}

export async function ensureDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const dir = opts.dir ?? join(stateDir(), 'temporal');
  const port = opts.port ?? Number(process.env.FAULTLINE_TEMPORAL_PORT ?? 7233);
  const uiPort = opts.uiPort ?? port + 1000;
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'server.pid');
  const settings = { address: `127.0.0.1:${port}`, namespace: 'default', uiUrl: `http://127.0.0.1:${uiPort}`, external: false };

  const known = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
  if (known && alive(known) && (await portOpen(port))) {
    return { ...settings, pid: known, reused: true, stop: () => stopPid(known, pidFile) };
  }
  if (await portOpen(port)) {
    throw new FaultlineError('TemporalPortBusy', `port ${port} is in use by something Faultline did not start`, {
      hint: `set TEMPORAL_ADDRESS=127.0.0.1:${port} to use that server, or FAULTLINE_TEMPORAL_PORT to pick another port`,
      retryable: false,
    });
  }
  const cli = temporalCliPath();
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort),
    '--db-filename', join(dir, 'temporal.db'), '--log-level', 'warn', ...searchAttributeFlags()];
  opts.onLog?.(`starting Temporal dev server: ${cli} ${args.join(' ')}`);
  const log = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(cli, args, { detached: !opts.attached, stdio: ['ignore', log, log] });
  closeSync(log);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new FaultlineError('TemporalCliMissing', `cannot start ${cli}: ${e.message}`, { hint: 'run `npm run setup` to install the Temporal CLI', retryable: false })));
    child.once('exit', (code) => {
      const logPath = join(dir, 'server.log');
      reject(new FaultlineError('TemporalStartFailed', `temporal server start-dev exited with ${code}; see ${logPath}${logTail(logPath)}`, { retryable: false }));
    });
  });
  await Promise.race([waitForPort(port, 60_000), failed]);
  child.removeAllListeners('exit');
  if (!opts.attached) child.unref();
  const pid = child.pid ?? 0;
  writeFileSync(pidFile, String(pid));
  return { ...settings, pid, reused: false, stop: () => stopPid(pid, pidFile) };
}

/** The last lines of the server's log, indented, so a failed start says why without opening the file. */
function logTail(path: string, lines = 12): string {
  try {
    const tail = readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines);
    return tail.length > 0 && tail[0] !== '' ? `; its log ends:\n  ${tail.join('\n  ')}` : '';
  } catch {
    return '';
  }
}

/** Stops the dev server recorded in the state folder, if any. Returns whether one was running. */
export async function stopDevServer(dir = join(stateDir(), 'temporal')): Promise<boolean> {
  const pidFile = join(dir, 'server.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const was = alive(pid);
  await stopPid(pid, pidFile);
  return was;
}

async function stopPid(pid: number, pidFile: string): Promise<void> {
  if (alive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new FaultlineError('TemporalStartFailed', `Temporal dev server did not open port ${port} within ${timeoutMs / 1000}s`, { retryable: false });
}
