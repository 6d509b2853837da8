/**
 * The secret resolver on the worker: env names and files within the allowlist resolve; a missing,
 * empty or disallowed variable, a missing file, a file outside the secret folders (also through a
 * symlink) and an oversized file are refused with a non-retryable SecretUnavailable that names the
 * variable or file and never the value. runProbe lets that error fail the activity.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProbe } from '../../../src/activities/probes';
import { LAB_SECRETS_DIR, REDACTED, SecretUnavailable, envAllowed, redact, resolveHeaders, resolveSecret } from '../../../src/activities/secrets';
import { httpLoad } from '../../../src/activities/workloads/http-load';
import { ProbeSpec } from '../../../src/spec/probes';
import { WorkloadSpec, type WorkloadOf } from '../../../src/spec/workloads';
import { FakeClock } from '../fakes/clock';
import { FakeContainerOps } from '../fakes/container-ops';
import { ANY_PORT } from '../../../src/spec/host-ports';

const VALUE = `s3cret-${process.pid}-value`;
const saved = { ...process.env };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-secrets-'));
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<SecretUnavailable> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SecretUnavailable);
  const e = err as SecretUnavailable;
  expect(e.retryable).toBe(false);
  expect(e.code).toBe('SecretUnavailable');
  expect(`${e.message} ${e.hint ?? ''}`).not.toContain(VALUE);
  return e;
}

describe('resolveSecret: environment', () => {
  it('reads an allowed variable: PGPASSWORD, FAULTLINE_SECRET_*, or one listed in FAULTLINE_SECRET_ENV', async () => {
    process.env.FAULTLINE_SECRET_DB = VALUE;
    process.env.PGPASSWORD = 'pg';
    process.env.MY_TOKEN = 'tok';
    process.env.FAULTLINE_SECRET_ENV = 'OTHER, MY_TOKEN';
    expect(await resolveSecret({ env: 'FAULTLINE_SECRET_DB' })).toBe(VALUE);
    expect(await resolveSecret({ env: 'PGPASSWORD' })).toBe('pg');
    expect(await resolveSecret({ env: 'MY_TOKEN' })).toBe('tok');
  });

  it('refuses a variable the worker does not allow, even when it is set (the codec key, HOME)', async () => {
    process.env.FAULTLINE_CODEC_KEY = VALUE;
    expect(envAllowed('FAULTLINE_CODEC_KEY')).toBe(false);
    const e = await refusal(resolveSecret({ env: 'FAULTLINE_CODEC_KEY' }));
    expect(e.message).toBe('secret env:FAULTLINE_CODEC_KEY: this worker does not allow that variable');
    expect(e.hint).toMatch(/FAULTLINE_SECRET_ENV/);
    await refusal(resolveSecret({ env: 'HOME' }));
  });

  it('names a variable that is unset or empty', async () => {
    delete process.env.FAULTLINE_SECRET_NOPE;
    expect((await refusal(resolveSecret({ env: 'FAULTLINE_SECRET_NOPE' }))).message).toBe('secret env:FAULTLINE_SECRET_NOPE: the variable is not set (or empty) on the worker');
    process.env.FAULTLINE_SECRET_EMPTY = '';
    await refusal(resolveSecret({ env: 'FAULTLINE_SECRET_EMPTY' }));
  });
});

describe('resolveSecret: files', () => {
  it('reads the lab password relative to the project root, without its trailing newline', async () => {
    expect(await resolveSecret({ file: 'infra/docker/lab-secrets/postgres-password' })).toBe('faultline-lab');
    expect(await resolveSecret({ file: join(LAB_SECRETS_DIR, 'postgres-password') })).toBe('faultline-lab');
  });

  it('reads a file under a folder listed in FAULTLINE_SECRET_DIRS', async () => {
    writeFileSync(join(dir, 'pw'), `${VALUE}\n`);
    process.env.FAULTLINE_SECRET_DIRS = dir;
    expect(await resolveSecret({ file: join(dir, 'pw') })).toBe(VALUE);
  });

  it('refuses a file outside the secret folders, directly or through a symlink, without reading it', async () => {
    writeFileSync(join(dir, 'pw'), VALUE);
    const e = await refusal(resolveSecret({ file: join(dir, 'pw') }));
    expect(e.message).toBe(`secret file:${join(dir, 'pw')}: ${join(dir, 'pw')} is outside the worker's secret folders`);
    await refusal(resolveSecret({ file: '/etc/hostname' }));
    await refusal(resolveSecret({ file: 'infra/docker/lab-secrets/../../../package.json' }));
    const inside = mkdtempSync(join(tmpdir(), 'faultline-secrets-dir-'));
    try {
      symlinkSync(join(dir, 'pw'), join(inside, 'link'));
      process.env.FAULTLINE_SECRET_DIRS = inside;
      await refusal(resolveSecret({ file: join(inside, 'link') }));
    } finally {
      rmSync(inside, { recursive: true, force: true });
    }
  });

  it('names a missing, empty or oversized file', async () => {
    process.env.FAULTLINE_SECRET_DIRS = dir;
    expect((await refusal(resolveSecret({ file: join(dir, 'absent') }))).message).toMatch(/^secret file:.*absent: no such file on the worker/);
    writeFileSync(join(dir, 'empty'), '\n');
    expect((await refusal(resolveSecret({ file: join(dir, 'empty') }))).message).toMatch(/is empty$/);
    writeFileSync(join(dir, 'big'), VALUE.repeat(10000));
    expect((await refusal(resolveSecret({ file: join(dir, 'big') }))).message).toMatch(/larger than 65536 bytes/);
  });
});

describe('headers and probes', () => {
  it('passes literal header values through and resolves references', async () => {
    process.env.FAULTLINE_SECRET_TOKEN = VALUE;
    expect(await resolveHeaders({ 'x-user': 'alice', authorization: { env: 'FAULTLINE_SECRET_TOKEN' } })).toEqual({ 'x-user': 'alice', authorization: VALUE });
    expect(await resolveHeaders(undefined)).toBeUndefined();
  });

  it('the http probe and http-load send the resolved header and redact its echo; a missing secret fails the activity instead of sampling', async () => {
    process.env.FAULTLINE_SECRET_TOKEN = VALUE;
    let seen: string | undefined;
    const server: Server = createServer((req, res) => {
      seen = req.headers.authorization;
      res.end(JSON.stringify({ echo: `you sent ${req.headers.authorization}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const deps = { ops: new FakeContainerOps(), clock: new FakeClock(), hostPorts: ANY_PORT };
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const sample = await runProbe(deps, { probe: ProbeSpec.parse({ kind: 'http', url, headers: { authorization: { env: 'FAULTLINE_SECRET_TOKEN' } } }) });
      expect(sample.ok).toBe(true);
      expect(seen).toBe(VALUE);
      // The target echoed the credential: the sample carries it redacted.
      expect(sample.value).toEqual({ status: 200, body: { echo: `you sent ${REDACTED}` } });
      const missing = ProbeSpec.parse({ kind: 'postgres', host: '127.0.0.1', port: 1, sql: 'select 1', password: { env: 'FAULTLINE_SECRET_MISSING' } });
      await refusal(runProbe(deps, { probe: missing }));
      // http-load sends the header too and records an echoed decision redacted.
      const port = (server.address() as AddressInfo).port;
      const w = WorkloadSpec.parse({ id: 'w', kind: 'http-load', rate: '1/s', port, headers: { authorization: { env: 'FAULTLINE_SECRET_TOKEN' } }, decisionField: 'echo' }) as WorkloadOf<'http-load'>;
      const session = await httpLoad.open(w, { hostPorts: ANY_PORT }, 2000, () => undefined);
      seen = undefined;
      expect(await session.op('w-1', new AbortController().signal)).toEqual({ outcome: 'ok', status: 200, decision: `you sent ${REDACTED}` });
      expect(seen).toBe(VALUE);
      await session.close();
      const unset = WorkloadSpec.parse({ ...w, headers: { authorization: { env: 'FAULTLINE_SECRET_MISSING' } } }) as WorkloadOf<'http-load'>;
      await refusal(httpLoad.open(unset, { hostPorts: ANY_PORT }, 2000, () => undefined));
    } finally {
      server.close();
    }
  });
});

describe('redact', () => {
  it('replaces every occurrence of a secret in strings, keys and nested values, longest first', () => {
    const v = { a: `x${VALUE}y`, [VALUE]: [VALUE, 1, null, { b: `${VALUE}${VALUE}` }] };
    expect(redact(v, [VALUE, VALUE.slice(0, 8)])).toEqual({ a: `x${REDACTED}y`, [REDACTED]: [REDACTED, 1, null, { b: `${REDACTED}${REDACTED}` }] });
  });

  it('leaves values alone for no secrets or ones too short to redact', () => {
    const v = { a: 'abc' };
    expect(redact(v, [])).toBe(v);
    expect(redact(v, ['a'])).toBe(v);
  });
});
