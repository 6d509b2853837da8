/**
 * The contract every probe kind implements. A probe's `run` returns the observed value or throws
 * with a message a person can act on; runProbe turns both into a Sample and never throws, so a
 * failing target is data for the experiment, not an activity failure.
 */
import type { Clock, ContainerOps } from '../ports';
import type { HostPorts } from '../../spec/host-ports';
import type { StackHandle } from '../types';

export interface ProbeDeps {
  ops: ContainerOps;
  clock: Clock;
  /** Host ports the worker's policy lets host endpoints reach besides the stack's (none when absent). */
  hostPorts?: HostPorts;
}

export interface ProbeContext {
  deps: ProbeDeps;
  stack?: StackHandle;
  hostPorts?: HostPorts;
  timeoutMs: number;
  /** Aborted when the probe's timeout passes: close sockets and stop waiting. */
  signal: AbortSignal;
}

export interface Probe<P> {
  run(ctx: ProbeContext, probe: P): Promise<unknown>;
  /** The compared value when an expectation gives no jsonpath (undefined: the whole value). */
  defaultPath?: string;
  /** How error messages name the compared value, e.g. `status`. */
  label: string;
  /** The check applied when the probe has no expectation; returns the failure, if any. */
  check(value: unknown): string | undefined;
  /** Shrinks the value kept in the sample (the expectation sees the full value). */
  compact?(value: unknown): unknown;
}

/** A failure that is the target's, not Faultline's: its message becomes the sample's error. */
export class ProbeFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProbeFailure';
  }
}

/** Runs `cleanup` once when the signal aborts; returns a function that unregisters it. */
export function onAbort(signal: AbortSignal, cleanup: () => void): () => void {
  if (signal.aborted) {
    cleanup();
    return () => undefined;
  }
  signal.addEventListener('abort', cleanup, { once: true });
  return () => signal.removeEventListener('abort', cleanup);
}

/** Rejects with the timeout's reason once the signal aborts; never resolves. */
export function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    const fail = () => reject(signal.reason instanceof Error ? signal.reason : new ProbeFailure('probe aborted'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

