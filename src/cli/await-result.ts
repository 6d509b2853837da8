/**
 * Waits for a run's result through a Temporal outage. `handle.result()` fails within a second of
 * the server becoming unreachable, and `faultline run` used to turn that into an `error` journal
 * and exit 3 for a run that was still alive in the server and later passed. Here an unreachable
 * server is waited out with backoff: said once, with how long the CLI will wait; said again when the
 * server is back. A run that really closed (failed, terminated, timed out) is a `failed` answer;
 * giving up is a `lost` answer, for which the caller writes nothing: the run goes on without it.
 */
import { ServiceError, type WorkflowHandle, WorkflowFailedError } from '@temporalio/client';
import { formatMs } from '../spec/duration';
import { EXIT_CODES } from '../report/journal';
import type { Output } from './output';

export type Awaited<T> = { kind: 'result'; value: T } | { kind: 'failed'; error: Error } | { kind: 'lost'; waitedMs: number; error: Error };

export interface AwaitOptions {
  /** How long an outage is waited out before giving up (default 10 minutes, FAULTLINE_OUTAGE_WAIT_MS). */
  giveUpMs?: number;
  /** Waits between attempts grow from this to maxBackoffMs. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** Where the server is, for the messages. */
  address?: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** gRPC codes that mean "the server is not answering now", not "the request is wrong". */
// CANCELLED 1, UNKNOWN 2, DEADLINE_EXCEEDED 4, RESOURCE_EXHAUSTED 8, INTERNAL 13, UNAVAILABLE 14 (grpc status codes).
const TRANSIENT = new Set<number>([1, 2, 4, 8, 13, 14]);

/** An error from reaching the server (connection refused, reset, timed out), not from the run. */
export function isOutage(err: unknown): boolean {
  if (!(err instanceof ServiceError)) return false;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  // "Unexpected error while making gRPC request": no gRPC status at all, the connection itself failed.
  return typeof code !== 'number' || TRANSIENT.has(code);
}

export function defaultGiveUpMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.FAULTLINE_OUTAGE_WAIT_MS);
  return Number.isFinite(v) && v >= 0 && env.FAULTLINE_OUTAGE_WAIT_MS !== undefined && env.FAULTLINE_OUTAGE_WAIT_MS !== '' ? v : 10 * 60_000;
}

export async function awaitResult<T>(handle: Pick<WorkflowHandle, 'result'>, out: Output, o: AwaitOptions = {}): Promise<Awaited<T>> {
  const giveUpMs = o.giveUpMs ?? defaultGiveUpMs();
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const where = o.address ? `Temporal at ${o.address}` : 'Temporal';
  let since: number | undefined;
  let backoff = o.firstBackoffMs ?? 1000;
  for (;;) {
    try {
      const value = (await handle.result()) as T;
      if (since !== undefined) out.info(`${where} answered again after ${formatMs(now() - since)}`);
      return { kind: 'result', value };
    } catch (err) {
      if (!isOutage(err)) return { kind: 'failed', error: err instanceof Error ? err : new Error(String(err)) };
      const t = now();
      if (since === undefined) {
        since = t;
        out.info(`lost contact with ${where} (${(err as Error).message}); the run goes on in the server, waiting up to ${formatMs(giveUpMs)} for it to answer`);
      }
      const waited = t - since;
      if (waited >= giveUpMs) return { kind: 'lost', waitedMs: waited, error: err as Error };
      await sleep(Math.min(backoff, giveUpMs - waited));
      backoff = Math.min(backoff * 2, o.maxBackoffMs ?? 10_000);
    }
  }
}

/** What a closed run's failure says: the workflow's own cause when it has one. */
export function failureText(err: Error): string {
  return err instanceof WorkflowFailedError && err.cause ? err.cause.message : err.message;
}

/**
 * The CLI gave up waiting through an outage: it writes no journal and no outcome for a run that may
 * still be alive, and says how to follow it.
 */
export function leftToServer(out: Output, workflowId: string, url: string | undefined, waitedMs: number): number {
  out.info(
    `Temporal did not answer for ${formatMs(waitedMs)}; leaving run ${workflowId} to the server (nothing was written for it); it goes on once the server and a worker are up.\n` +
      `Follow it with: faultline status ${workflowId}${url ? `\nor in the Web UI: ${url}` : ''}`,
  );
  return EXIT_CODES.error;
}
