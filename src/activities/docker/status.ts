/**
 * The HTTP status of an error from the Docker Engine API (dockerode puts it in `statusCode`), or
 * undefined for anything else. 304 means "already so", 404 "gone", 409 "conflict" (a name taken,
 * a removal in progress, a container in the wrong state).
 */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
