/**
 * No secret value reaches Temporal or the artifacts: a run whose postgres probe takes its password
 * from a file and whose http probe takes its authorization header from an environment variable
 * (each a fresh random value) runs the real probes against loopback servers that see the values;
 * then the whole raw history (every string and byte string) and every artifact file are scanned
 * and hold neither value, only the references, though the http target echoes its header back (the
 * sample is redacted on the worker). Negative control: a value put into the input is found.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { writeJournalFiles } from '../../src/activities/artifacts/write';
import { runProbe } from '../../src/activities/probes';
import type { Journal } from '../../src/report/journal';
import type { ExperimentInput } from '../../src/spec';
import { type FakePostgres, startFakePostgres } from '../helpers/fake-postgres';
import { FakeClock } from '../unit/fakes/clock';
import { FakeContainerOps } from '../unit/fakes/container-ops';
import { FakeWorld } from './fake-world';
import { type DevHarness, baseSpec, startHarness } from './harness';
import { historyText } from './history-file';

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const ENV_NAME = `FAULTLINE_SECRET_WF_${randomBytes(4).toString('hex').toUpperCase()}`;

let h: DevHarness;
let pg: FakePostgres;
let http: Server;
let httpPort: number;
const authorizations: (string | undefined)[] = [];
const secretDir = mkdtempSync(join(tmpdir(), 'fl-secret-dir-'));
const saved = { ...process.env };

beforeAll(async () => {
  h = await startHarness();
  pg = await startFakePostgres();
  http = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    // An echoing target: what it sends back lands in the sample, so the worker must redact it.
    res.end(JSON.stringify({ ok: true, echoed: req.headers.authorization }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as AddressInfo).port;
  writeFileSync(join(secretDir, 'pg-password'), `${PASSWORD}\n`);
  process.env.FAULTLINE_SECRET_DIRS = secretDir;
  process.env[ENV_NAME] = TOKEN;
});
afterAll(async () => {
  process.env = saved;
  rmSync(secretDir, { recursive: true, force: true });
  await pg?.close();
  http?.close();
  await h?.teardown();
});


function filesText(dir: string): string {
  return readdirSync(dir)
    .map((f) => join(dir, f))
    .map((p) => (statSync(p).isDirectory() ? filesText(p) : readFileSync(p, 'utf8')))
    .join('\n');
}

function spec(extra: Partial<ExperimentInput> = {}): ExperimentInput {
  return baseSpec({
    probes: {
      db: { kind: 'postgres', host: '127.0.0.1', port: pg.port, password: { file: join(secretDir, 'pg-password') }, sql: 'select 1', expect: { eq: 1 } },
      api: { kind: 'http', url: `http://127.0.0.1:${httpPort}/`, headers: { authorization: { env: ENV_NAME }, 'x-user': 'alice' } },
    },
    steadyState: [{ probe: 'db' }, { probe: 'api' }],
    method: [{ fault: { kind: 'container-kill', target: { service: 'a' } } }, { probe: 'db' }, { probe: 'api' }],
    ...extra,
  });
}

/** The fake world, with the real probe activity and the real journal writer. */
async function run(input: ExperimentInput): Promise<{ journal: Journal; raw: string; artifacts: string }> {
  const world = new FakeWorld(['a']);
  // The worker allows exactly the two host ports the probes use (its policy's probes.hostPorts).
  const deps = { ops: new FakeContainerOps(), clock: new FakeClock(), hostPorts: [pg.port, httpPort].map((p) => ({ from: p, to: p })) };
  const taskQueue = `secrets-${randomBytes(4).toString('hex')}`;
  const activities = {
    ...world.activities(),
    runProbe: (i: Parameters<typeof runProbe>[1]) => runProbe(deps, i),
    writeJournal: (i: { workflowId: string; journal: Journal }) => writeJournalFiles(world.artifactsRoot, i.workflowId, i.journal),
  };
  const worker = await Worker.create({ connection: h.native, taskQueue, workflowBundle: h.bundle, activities });
  const journal = await worker.runUntil(async () => {
    const handle = await h.client.workflow.start('experiment', { taskQueue, workflowId: taskQueue, args: [input] });
    return (await handle.result()) as Journal;
  });
  const history = await h.client.workflow.getHandle(taskQueue).fetchHistory();
  return { journal, raw: historyText(history).join('\n'), artifacts: filesText(world.artifactsRoot) };
}

test('the probes use secrets from a file and the environment; neither value is in history or the artifacts', async () => {
  const { journal, raw, artifacts } = await run(spec());
  expect(journal.outcome).toBe('passed');
  // The probes really ran with the resolved values, on the worker.
  expect(pg.passwords.length).toBeGreaterThanOrEqual(2);
  expect(new Set(pg.passwords)).toEqual(new Set([PASSWORD]));
  expect(authorizations.length).toBeGreaterThanOrEqual(2);
  expect(new Set(authorizations)).toEqual(new Set([TOKEN]));
  // The history carries the references and the journal was written; the values are nowhere.
  expect(raw).toContain(ENV_NAME);
  expect(raw).toContain('pg-password');
  expect(artifacts).toContain('"outcome": "passed"');
  expect(raw).toContain('[redacted]');
  for (const text of [raw, artifacts]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN);
  }
});

test('negative control: the same scan finds a value that was put into the input', async () => {
  const { raw, artifacts } = await run(spec({ hypothesis: `the saga restores what it breaks (${TOKEN})` }));
  expect(raw).toContain(TOKEN);
  expect(artifacts).toContain(TOKEN);
});
