/**
 * With FAULTLINE_CODEC_KEY set, nothing of a run is readable on the Temporal server: the raw
 * history holds no scenario text, no probe answer, no journal. A client with the key reads the
 * result as usual. Negative control: the same run without the codec shows the text in history.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { Journal } from '../../src/report/journal';
import { dataConverterFromEnv } from '../../src/temporal/codec';
import { FakeWorld } from './fake-world';
import { type DevHarness, baseSpec, startHarness } from './harness';
import { historyText } from './history-file';

let h: DevHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.teardown());

const MARKER = `marker-${randomBytes(6).toString('hex')}`;


async function runWith(env: NodeJS.ProcessEnv): Promise<{ journal: Journal; raw: string }> {
  const dataConverter = dataConverterFromEnv(env);
  const taskQueue = `codec-${randomBytes(4).toString('hex')}`;
  const client = new Client({ connection: h.t.connection, namespace: 'default', dataConverter });
  const worker = await Worker.create({
    connection: h.t.native,
    taskQueue,
    workflowBundle: h.bundle,
    activities: new FakeWorld(['a']).activities(),
    ...(dataConverter ? { dataConverter } : {}),
  });
  const spec = baseSpec({ hypothesis: `the saga restores what it breaks (${MARKER})` });
  const journal = await worker.runUntil(async () => {
    const handle = await client.workflow.start('experiment', { taskQueue, workflowId: taskQueue, args: [spec] });
    return (await handle.result()) as Journal;
  });
  // Read back as the server holds it: a client without the key sees the raw payloads.
  const history = await h.t.client.workflow.getHandle(taskQueue).fetchHistory();
  return { journal, raw: historyText(history).join('\n') };
}

test('with a key, the history holds no scenario text and the result still reads as a journal', async () => {
  const { journal, raw } = await runWith({ FAULTLINE_CODEC_KEY: randomBytes(32).toString('hex') });
  expect(journal.outcome).toBe('passed');
  expect(journal.hypothesis).toContain(MARKER);
  expect(raw).toContain('binary/encrypted');
  expect(raw).not.toContain(MARKER);
  expect(raw).not.toContain('container-kill');
  // Activity summaries (the Web UI's one-liners) go through the codec too.
  expect(raw).not.toContain('SIGKILL');
});

test('negative control: without a key the same run shows its text in history', async () => {
  const { raw } = await runWith({});
  expect(raw).toContain(MARKER);
  expect(raw).not.toContain('binary/encrypted');
});
