/** Polls `fn` until it returns something other than undefined (errors count as "not yet"). */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls a yes/no condition until it holds (errors count as "not yet"). */
export async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 200): Promise<void> {
  await waitFor(what, async () => ((await fn()) ? true : undefined), timeoutMs, everyMs);
}
