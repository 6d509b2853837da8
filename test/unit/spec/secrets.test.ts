/**
 * Validation of secret references: a literal password, a literal credential-header value and a URL
 * or host with "user:pass@" are refused with their path and a hint; references and ordinary literal
 * headers pass; no refusal echoes the refused value.
 */
import { ProbeSpec, describeProbe } from '../../../src/spec/probes';
import { describeSecret, describeSecretSources, isCredentialHeader } from '../../../src/spec/secrets';
import { WorkloadSpec, describeWorkload } from '../../../src/spec/workloads';
import { problemsOf } from '../../helpers/problems';

const SECRET = 'hunter2-do-not-echo';
const pg = { kind: 'postgres', service: 'postgres', sql: 'select 1' };
const http = { kind: 'http', service: 'api', port: 8080 };

describe('secret references in the spec', () => {
  it('refuses a literal postgres password with its path and the { env } / { file } hint, without echoing it', () => {
    const problems = problemsOf({ probes: { db: { ...pg, password: SECRET } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^probes\.db\.password: a literal secret is refused; give a reference instead: \{ env: NAME \}.*\{ file: PATH \}/);
    expect(problems.join('\n')).not.toContain(SECRET);
  });

  it('refuses a literal password on the pg-outbox-writer workload', () => {
    const problems = problemsOf({ workloads: [{ id: 'w', kind: 'pg-outbox-writer', rate: '5/s', service: 'postgres', password: SECRET }] });
    expect(problems).toEqual([expect.stringMatching(/^workloads\[0\]\.password: a literal secret is refused/)]);
  });

  it('accepts { env } and { file } references and refuses one with both or neither', () => {
    expect(problemsOf({ probes: { a: { ...pg, password: { env: 'PGPASSWORD' } }, b: { ...pg, password: { file: 'infra/docker/lab-secrets/postgres-password' } } } })).toEqual([]);
    expect(problemsOf({ probes: { a: { ...pg, password: { env: 'A', file: 'b' } } } })).toEqual(['probes.a.password: give exactly one of "env" or "file"']);
    expect(problemsOf({ probes: { a: { ...pg, password: {} } } })).toEqual(['probes.a.password: give exactly one of "env" or "file"']);
    expect(problemsOf({ probes: { a: { ...pg, password: { env: '1-bad' } } } })).toEqual([expect.stringMatching(/^probes\.a\.password\.env: env names use letters/)]);
  });

  it.each(['authorization', 'Authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token', 'x-session-id', 'api-key'])(
    'refuses a literal value for the credential header %s, on probes and http-load',
    (name) => {
      const probe = problemsOf({ probes: { h: { ...http, headers: { [name]: SECRET } } } });
      expect(probe).toEqual([expect.stringMatching(new RegExp(`^probes\\.h\\.headers\\.${name}: header "${name}" carries credentials, so a literal value is refused; give a reference`))]);
      const load = problemsOf({ workloads: [{ id: 'w', kind: 'http-load', rate: '5/s', service: 'api', port: 80, headers: { [name]: SECRET } }] });
      expect(load).toEqual([expect.stringMatching(new RegExp(`^workloads\\[0\\]\\.headers\\.${name}: header "${name}" carries credentials`))]);
      expect([...probe, ...load].join('\n')).not.toContain(SECRET);
    },
  );

  it('keeps ordinary literal headers (x-user: alice) and takes references for any header', () => {
    expect(problemsOf({ probes: { h: { ...http, headers: { 'x-user': 'alice', accept: 'application/json', authorization: { env: 'FAULTLINE_SECRET_TOKEN' } } } } })).toEqual([]);
    expect(['x-user', 'accept', 'content-type', 'x-request-id', 'keep-alive'].filter(isCredentialHeader)).toEqual([]);
  });

  it('refuses a URL with user:pass@ and a host with credentials, with their paths and without the password', () => {
    const url = problemsOf({ probes: { u: { kind: 'http', url: `http://admin:${SECRET}@127.0.0.1:8080/` } } });
    expect(url).toEqual(['probes.u.url: url must not carry credentials ("user:pass@"); send them as a header from { env } or { file }']);
    const userOnly = problemsOf({ probes: { u: { kind: 'http', url: 'http://admin@localhost/' } } });
    expect(userOnly).toEqual([expect.stringMatching(/^probes\.u\.url: url must not carry credentials/)]);
    const host = problemsOf({ probes: { t: { kind: 'postgres', host: `postgres:${SECRET}@127.0.0.1`, sql: 'select 1' } } });
    expect(host).toEqual([expect.stringMatching(/^probes\.t\.host: a host must not carry credentials/)]);
    const load = problemsOf({ workloads: [{ id: 'w', kind: 'nats-publish', rate: '1/s', host: `u:${SECRET}@localhost`, subject: 's' }] });
    expect(load).toEqual([expect.stringMatching(/^workloads\[0\]\.host: a host must not carry credentials/)]);
    expect([...url, ...host, ...load].join('\n')).not.toContain(SECRET);
  });

  it('describes a reference by where it comes from only', () => {
    expect(describeSecret({ env: 'PGPASSWORD' })).toBe('env:PGPASSWORD');
    expect(describeSecret({ file: 'infra/docker/lab-secrets/postgres-password' })).toBe('file:infra/docker/lab-secrets/postgres-password');
  });
});

describe('the plan names where credentials come from, never a value', () => {
  it('adds the sources to the probe and workload descriptions', () => {
    const pgProbe = ProbeSpec.parse({ ...pg, password: { file: 'infra/docker/lab-secrets/postgres-password' } });
    expect(describeProbe(pgProbe)).toBe('postgres postgres:5432 "select 1" (password from file:infra/docker/lab-secrets/postgres-password)');
    const h = ProbeSpec.parse({ ...http, headers: { 'x-user': 'alice', authorization: { env: 'FAULTLINE_SECRET_TOKEN' } } });
    expect(describeProbe(h)).toBe('http GET api:8080/ (authorization from env:FAULTLINE_SECRET_TOKEN)');
    expect(describeProbe(ProbeSpec.parse(pg))).toBe('postgres postgres:5432 "select 1"');
    const w = WorkloadSpec.parse({ id: 'w', kind: 'pg-outbox-writer', rate: '5/s', service: 'postgres', password: { env: 'PGPASSWORD' } });
    expect(describeWorkload(w)).toBe('w: pg-outbox-writer 5/s into orders+outbox on postgres:5432 (password from env:PGPASSWORD)');
    expect(describeSecretSources({})).toBe('');
  });
});
