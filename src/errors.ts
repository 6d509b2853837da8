/**
 * One error type for everything Faultline reports on purpose. `code` is stable and becomes the
 * ApplicationFailure type at the activity boundary; `hint` tells the user what to do next.
 */
export interface FaultlineErrorOptions {
  context?: Record<string, unknown>;
  hint?: string;
  cause?: unknown;
  /** Input problems are not retried: the same input fails the same way. */
  retryable?: boolean;
}

export class FaultlineError extends Error {
  readonly code: string;
  readonly context: Record<string, unknown>;
  readonly hint?: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, opts: FaultlineErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FaultlineError';
    this.code = code;
    this.context = opts.context ?? {};
    this.hint = opts.hint;
    this.retryable = opts.retryable ?? true;
  }
}

/** The code of a run or fault the worker's guardrails refused (src/activities/guardrails); exit 64 from the CLI. */
export const GUARDRAIL_REFUSED = 'GuardrailRefused';

/** Every problem found in a scenario, each with its path, so the user fixes them in one pass. */
export class ValidationError extends FaultlineError {
  readonly problems: string[];

  constructor(source: string, problems: string[], hint?: string) {
    super('InvalidScenario', `${source}: ${problems.length} problem(s)\n  - ${problems.join('\n  - ')}`, {
      context: { source, problems },
      hint,
      retryable: false,
    });
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

/**
 * One line for an error in a journal, a log or a message: its message (or its code, or its name
 * when it has no message), plus its cause's message when that adds something, as it does for the
 * SDK's "Activity task failed" whose cause says what actually went wrong.
 */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const base = err.message || (typeof code === 'string' ? code : err.name);
  const cause = err.cause instanceof Error && err.cause.message && !base.includes(err.cause.message) ? `: ${err.cause.message}` : '';
  return `${base}${cause}`;
}
