/**
 * Resolves secret references (src/spec/secrets.ts) inside the activity, on the worker, so a value
 * never enters workflow input or history. A worker reads only what it allows: environment names
 * `PGPASSWORD`, `FAULTLINE_SECRET_*` and those listed in FAULTLINE_SECRET_ENV (comma-separated);
 * files (symlinks followed) under infra/docker/lab-secrets of the project and the folders listed in
 * FAULTLINE_SECRET_DIRS (path-delimiter-separated). Without that, `{ env: FAULTLINE_CODEC_KEY }` or
 * `{ file: /root/.ssh/id_rsa }` would send the worker's own secrets to a service of the scenario's.
 * Errors name the variable or file, never a value, and are not retried: the same input fails alike.
 */
import { readFile, realpath } from 'node:fs/promises';
import { delimiter, isAbsolute, relative, resolve } from 'node:path';
import { FaultlineError } from '../errors';
import { type HeaderValues, type SecretRef, describeSecret } from '../spec/secrets';
import { PROJECT_ROOT } from '../temporal/config';

/** Larger is no password: reading stops being cheap and the file is probably the wrong one. */
const FILE_MAX = 64 * 1024;
const DEFAULT_ENV = ['PGPASSWORD'];
const DEFAULT_ENV_PREFIX = 'FAULTLINE_SECRET_';
export const LAB_SECRETS_DIR = resolve(PROJECT_ROOT, 'infra', 'docker', 'lab-secrets');

export class SecretUnavailable extends FaultlineError {
  constructor(ref: SecretRef, why: string, hint: string) {
    super('SecretUnavailable', `secret ${describeSecret(ref)}: ${why}`, { retryable: false, hint, context: { secret: describeSecret(ref) } });
    this.name = 'SecretUnavailable';
  }
}

function listed(name: string): string[] {
  return (process.env[name] ?? '').split(name === 'FAULTLINE_SECRET_DIRS' ? delimiter : ',').map((s) => s.trim()).filter(Boolean);
}

export function envAllowed(name: string): boolean {
  return DEFAULT_ENV.includes(name) || name.startsWith(DEFAULT_ENV_PREFIX) || listed('FAULTLINE_SECRET_ENV').includes(name);
}

async function allowedDirs(): Promise<string[]> {
  const dirs = [LAB_SECRETS_DIR, ...listed('FAULTLINE_SECRET_DIRS').map((d) => resolve(PROJECT_ROOT, d))];
  return Promise.all(dirs.map((d) => realpath(d).catch(() => d)));
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function fromEnv(ref: SecretRef, name: string): Promise<string> {
  if (!envAllowed(name)) {
    throw new SecretUnavailable(ref, 'this worker does not allow that variable', `allowed: PGPASSWORD, ${DEFAULT_ENV_PREFIX}*, or a name listed in FAULTLINE_SECRET_ENV on the worker`);
  }
  const value = process.env[name];
  if (value === undefined || value === '') throw new SecretUnavailable(ref, 'the variable is not set (or empty) on the worker', `set ${name} in the worker's environment`);
  return value;
}

async function fromFile(ref: SecretRef, given: string): Promise<string> {
  const path = resolve(PROJECT_ROOT, given);
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new SecretUnavailable(ref, `no such file on the worker (${path})`, 'create it, or point { file } at one (relative paths start at the Faultline project root)');
  }
  const dirs = await allowedDirs();
  if (!dirs.some((d) => inside(d, real))) {
    throw new SecretUnavailable(ref, `${path} is outside the worker's secret folders`, `allowed: ${dirs.join(', ')}; add a folder with FAULTLINE_SECRET_DIRS on the worker`);
  }
  let text: string;
  try {
    const buf = await readFile(real);
    if (buf.length > FILE_MAX) throw new SecretUnavailable(ref, `the file is larger than ${FILE_MAX} bytes`, 'a secret file holds one value');
    text = buf.toString('utf8');
  } catch (err) {
    if (err instanceof SecretUnavailable) throw err;
    throw new SecretUnavailable(ref, `cannot read ${path} (${(err as { code?: string }).code ?? 'error'})`, 'check the file and its permissions on the worker');
  }
  // Files written by editors and `echo` end in a newline that is no part of the password.
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new SecretUnavailable(ref, `${path} is empty`, 'write the value into the file');
  return value;
}

export function resolveSecret(ref: SecretRef): Promise<string> {
  if (ref.env !== undefined) return fromEnv(ref, ref.env);
  if (ref.file !== undefined) return fromFile(ref, ref.file);
  return Promise.reject(new SecretUnavailable(ref, 'neither "env" nor "file" is given', 'give one of them'));
}

export async function resolveOptionalSecret(ref: SecretRef | undefined): Promise<string | undefined> {
  return ref === undefined ? undefined : resolveSecret(ref);
}

/** Literal header values pass through; references are resolved. */
export async function resolveHeaders(headers: HeaderValues | undefined): Promise<Record<string, string> | undefined> {
  if (headers === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = typeof value === 'string' ? value : await resolveSecret(value);
  return out;
}

/** Shorter values are not redacted: replacing every "a" would wreck a sample and protect nothing. */
const REDACT_MIN = 4;
export const REDACTED = '[redacted]';

/** The resolved values of a probe's or workload's references (its `password` and header references). */
export async function secretValuesOf(spec: { password?: SecretRef; headers?: HeaderValues }): Promise<string[]> {
  const refs = [spec.password, ...Object.values(spec.headers ?? {})].filter((v): v is SecretRef => v !== undefined && typeof v !== 'string');
  return Promise.all(refs.map(resolveSecret));
}

/**
 * A copy of `value` with every occurrence of a secret replaced: a target that echoes a credential
 * (an echo server, an error page quoting the header) must not carry it into a sample, a workload
 * history or the Temporal history.
 */
export function redact<T>(value: T, secrets: string[]): T {
  const found = secrets.filter((s) => s.length >= REDACT_MIN).sort((a, b) => b.length - a.length);
  if (found.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return found.reduce((text, s) => text.split(s).join(REDACTED), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k) as string, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
