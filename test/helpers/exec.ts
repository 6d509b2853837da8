/** Runs a command to completion and returns its exit code and output (for CLI-level tests). */
import { spawn } from 'node:child_process';
import { ROOT } from './paths';

export { ROOT };

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function exec(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
