/**
 * Secret references: a credential in a scenario is never its value but where the worker finds it,
 * `{ env: NAME }` or `{ file: PATH }`, resolved inside the activity (src/activities/secrets.ts).
 * Workflow input, history, summaries, journals and the plan therefore carry `env:NAME` at most.
 * A literal `password`, and a literal value for a header that carries credentials (authorization,
 * cookie, API keys, tokens), is refused here with a hint. Other header values (`x-user: alice`)
 * may stay literal: they are not secrets and are shown as given. Pure: safe in workflow code.
 */
import { z } from 'zod';

/** POSIX-style names only; the worker's allowlist decides which of them may be read. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const HINT = 'give a reference instead: { env: NAME } (a variable on the worker) or { file: PATH } (a file on the worker)';

export const SecretRef = z
  .object(
    {
      env: z.string().regex(ENV_NAME, 'env names use letters, digits and "_" and do not start with a digit').optional(),
      /** Absolute, or relative to the Faultline project root on the worker. */
      file: z.string().min(1).optional(),
    },
    { error: (iss) => (iss.code === 'invalid_type' && typeof iss.input === 'string' ? `a literal secret is refused; ${HINT}` : undefined) },
  )
  .strict()
  .superRefine((s, ctx) => {
    if ((s.env === undefined) === (s.file === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of "env" or "file"' });
  });
export type SecretRef = z.infer<typeof SecretRef>;

/**
 * Header names whose values are credentials. Matched on the lower-cased name: the well-known ones,
 * plus any name that says what it carries (x-auth-token, x-api-key, x-session-id, x-csrf-secret...).
 */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const CREDENTIAL_WORDS = /(^|[-_])(auth|authorization|token|secret|password|passwd|api-?key|apikey|key|cookie|session|credentials?|signature)([-_]|$)/;

export function isCredentialHeader(name: string): boolean {
  const n = name.toLowerCase();
  return CREDENTIAL_HEADERS.has(n) || CREDENTIAL_WORDS.test(n);
}

/** Header values: literal text for ordinary headers, a reference for any (and required for credential headers). */
export const HeaderValues = z.record(z.string(), z.union([z.string(), SecretRef])).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && isCredentialHeader(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `header "${name}" carries credentials, so a literal value is refused; ${HINT}` });
    }
  }
});
export type HeaderValues = z.infer<typeof HeaderValues>;

/** How a reference is shown anywhere a person reads it: never the value, only where it comes from. */
export function describeSecret(s: SecretRef): string {
  return s.env !== undefined ? `env:${s.env}` : `file:${s.file ?? ''}`;
}

/**
 * Where a probe's or workload's credentials come from, for the plan and labels: ` (password from
 * env:PGPASSWORD; authorization from file:...)`, or '' when none are references. Never a value.
 */
export function describeSecretSources(c: { password?: SecretRef; headers?: HeaderValues }): string {
  const parts = c.password ? [`password from ${describeSecret(c.password)}`] : [];
  for (const [name, v] of Object.entries(c.headers ?? {})) if (typeof v !== 'string') parts.push(`${name} from ${describeSecret(v)}`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** `user:pass@` (or `user@`) in a URL: refused, the credentials would travel in clear through history. */
export function urlHasCredentials(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** A host field is a name or an address: any "@" in it can only be user info. */
export function hostHasCredentials(text: string): boolean {
  return text.includes('@');
}
