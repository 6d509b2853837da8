/**
 * The one polling helper of the test suite. `probe` is asked again and again until it answers
 * something other than undefined, null or false, and that answer is returned, so one helper serves
 * both "wait until this holds" (return a boolean) and "wait for this value" (return it or undefined).
 * A probe that throws counts as "not yet": a server that is still starting refuses connections. On
 * timeout the error names what was awaited and the last error the probe threw, if any.
 */

export interface UntilOptions {
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  /** Pause between two asks (default 200 ms). */
  everyMs?: number;
}

type Answer<T> = Exclude<Awaited<T>, undefined | null | false>;

export async function until<T>(what: string, probe: () => T | Promise<T>, options: UntilOptions = {}): Promise<Answer<T>> {
  const { timeoutMs = 120_000, everyMs = 200 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const answer = await probe();
      if (answer !== undefined && answer !== null && answer !== false) return answer as Answer<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
