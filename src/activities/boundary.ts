/**
 * The two wrappers every activity may wear: `boundary` turns known errors into ApplicationFailures
 * typed by their code, so the workflow's retry policy can tell bad input (never retried) from a
 * flaky Docker call; `withHeartbeat` keeps a long activity visibly alive.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { FaultlineError } from '../errors';

/**
 * Heartbeats every second while `fn` runs, so a dead worker is noticed within the heartbeat
 * timeout, and hands `fn` the activity's cancellation signal.
 */
export async function withHeartbeat<T>(fn: (progress: (msg: string) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  let last = 'started';
  ctx.heartbeat(last);
  const timer = setInterval(() => ctx.heartbeat(last), 1000);
  try {
    return await fn((msg) => {
      last = msg;
    }, ctx.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}

/** Known errors cross into the workflow as ApplicationFailures typed by their code. */
export async function boundary<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof FaultlineError) {
      const details = [{ code: err.code, context: err.context, hint: err.hint }];
      const message = err.hint ? `${err.message} (hint: ${err.hint})` : err.message;
      throw err.retryable
        ? ApplicationFailure.retryable(message, err.code, ...details)
        : ApplicationFailure.nonRetryable(message, err.code, ...details);
    }
    throw err;
  }
}
