/**
 * Waiting for containers to be running (depends_on service_started) or ready: healthy when they have
 * a healthcheck (their own or their image's), else up for a second. An exited container fails at
 * once; an unhealthy one may still recover, so it only fails at the deadline. Either way the error
 * carries its last log lines.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import { formatMs } from '../../spec/duration';
import { tailLogs } from './logs';

export type Readiness = 'started' | 'healthy';

export interface WaitTarget {
  service: string;
  id: string;
  name: string;
  want: Readiness;
}

export interface WaitOptions {
  project: string;
  deadline: number;
  timeoutMs: number;
  onProgress?: (msg: string) => void;
  signal?: AbortSignal;
}

const POLL_MS = 250;
/** Without a healthcheck, a container counts as ready once it stayed up this long: a bad command exits sooner. */
const SETTLE_MS = 1000;
const PROGRESS_MS = 1000;

export async function waitReady(docker: Docker, targets: WaitTarget[], opts: WaitOptions): Promise<void> {
  let lastProgress = 0;
  for (;;) {
    throwIfAborted(opts.signal);
    const pending: Array<{ t: WaitTarget; state: string; check?: string }> = [];
    for (const t of targets) {
      const s = (await docker.getContainer(t.id).inspect()).State;
      if (s.Status === 'exited' || s.Status === 'dead') {
        throw await unhealthy(docker, opts.project, [{ t, state: `exited with code ${s.ExitCode}${s.Error ? ` (${s.Error})` : ''}` }]);
      }
      const settled = s.Health ? s.Health.Status === 'healthy' : Date.now() - Date.parse(s.StartedAt) >= SETTLE_MS;
      if (s.Status !== 'running' || !(t.want === 'started' || settled)) {
        const last = s.Health?.Log?.at(-1);
        const check = last ? `last check exited ${last.ExitCode}: ${last.Output.trim().slice(0, 300)}` : undefined;
        pending.push({ t, state: s.Status === 'running' ? (s.Health?.Status ?? 'running') : s.Status, check });
      }
    }
    if (pending.length === 0) return;
    if (Date.now() >= opts.deadline) {
      throw await unhealthy(docker, opts.project, pending.map((p) => ({ ...p, state: `${p.state} after ${formatMs(opts.timeoutMs)}` })));
    }
    if (Date.now() - lastProgress >= PROGRESS_MS) {
      opts.onProgress?.(`waiting for ${pending.map((p) => `${p.t.service} (${p.state})`).join(', ')}`);
      lastProgress = Date.now();
    }
    await sleep(Math.min(POLL_MS, Math.max(0, opts.deadline - Date.now())), opts.signal);
  }
}

async function unhealthy(
  docker: Docker,
  project: string,
  failed: Array<{ t: WaitTarget; state: string; check?: string }>,
): Promise<FaultlineError> {
  const logs: Record<string, string> = {};
  const parts: string[] = [];
  for (const { t, state, check } of failed) {
    logs[t.name] = await tailLogs(docker, t.id, 30);
    parts.push(
      `service ${t.service} (container ${t.name}) is ${state}${check ? `; ${check}` : ''}\n` +
        `--- last log lines of ${t.name} ---\n${logs[t.name] || '(no output)'}`,
    );
  }
  return new FaultlineError('StackUnhealthy', `stack ${project} did not become ready:\n${parts.join('\n')}`, {
    context: { project, services: failed.map((f) => f.t.service), logs },
    hint: 'read the log lines above; if the service is only slow to start, raise stack.healthTimeout',
    retryable: false,
  });
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof Error ? signal.reason : new FaultlineError('Cancelled', 'cancelled', { retryable: false });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
