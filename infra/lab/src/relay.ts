/**
 * Outbox relay: moves outbox rows to a JetStream stream. It claims unsent rows with FOR UPDATE SKIP
 * LOCKED, publishes each with `Nats-Msg-Id` = row id (so a republish after a crash is dropped by the
 * stream's duplicate window), and marks rows sent only after every publish was acknowledged, in the
 * same transaction as the claim. Any error drops the cycle and reconnects: nothing is lost, because
 * unacknowledged rows stay unsent in Postgres.
 *
 * RELAY_MODE=mark-before-publish is the broken variant the negative control runs: it marks rows
 * sent when it claims them and publishes each from memory a second later (batching for throughput);
 * an error makes it rebuild its pipeline, and the rows it held are gone although marked sent.
 * RELAY_GIVE_UP=1 is another broken variant: after its first failed cycle it never tries again.
 */
import { createServer } from 'node:http';
import { type JetStreamClient, type NatsConnection, connect, nanos } from 'nats';
import { Pool } from 'pg';
import { env, errorText, log, sleep } from './log';
import { ensureSchema } from './schema';

const MODE = env('RELAY_MODE', 'correct');
const STREAM = env('STREAM', 'EVENTS');
const SUBJECTS = env('SUBJECTS', 'events.>').split(',');
const BATCH = Number(env('BATCH', '200'));
const POLL_MS = Number(env('POLL_MS', '100'));
const GIVE_UP = env('RELAY_GIVE_UP', '0') === '1';
const state = { ready: false, cycles: 0, published: 0, lastOkAt: 0, lastError: '', mode: MODE };

type Row = { id: string; subject: string; payload: unknown };
const pool = new Pool({ max: 2, connectionTimeoutMillis: 2000, query_timeout: 5000 });
pool.on('error', (err) => log('relay', 'pool-error', { error: errorText(err) }));
// A checked-out client whose server dies emits 'error' too; the query in flight fails on its own.
pool.on('connect', (client) => client.on('error', () => undefined));

async function publishAll(js: JetStreamClient, rows: Row[]): Promise<void> {
  await Promise.all(rows.map((r) => js.publish(r.subject, JSON.stringify(r.payload), { msgID: r.id, timeout: 5000 })));
  state.published += rows.length;
}

async function correctCycle(js: JetStreamClient): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<Row>(
      'SELECT id, subject, payload FROM outbox WHERE sent_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED',
      [BATCH],
    );
    await publishAll(js, rows);
    await client.query('UPDATE outbox SET sent_at = now() WHERE id = ANY($1)', [rows.map((r) => r.id)]);
    await client.query('COMMIT');
    client.release();
    return rows.length;
  } catch (err) {
    client.release(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

/** The broken variant's in-memory batch: rows already marked sent, not yet published. */
let held: Array<{ row: Row; at: number }> = [];

async function markFirstCycle(js: JetStreamClient): Promise<number> {
  const { rows } = await pool.query<Row>(
    `UPDATE outbox SET sent_at = now() WHERE id IN (
       SELECT id FROM outbox WHERE sent_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING id, subject, payload`,
    [BATCH],
  );
  const now = Date.now();
  held.push(...rows.map((row) => ({ row, at: now })));
  const due = held.filter((h) => now - h.at >= 1000);
  held = held.filter((h) => now - h.at < 1000);
  await publishAll(js, due.map((h) => h.row));
  return rows.length;
}

async function ensureStream(nc: NatsConnection): Promise<void> {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(STREAM);
  } catch {
    await jsm.streams.add({ name: STREAM, subjects: SUBJECTS, duplicate_window: nanos(120_000) });
    log('relay', 'stream-created', { stream: STREAM, subjects: SUBJECTS });
  }
}

async function main(): Promise<void> {
  const nc = await connect({ servers: env('NATS_URL', 'nats://nats:4222'), name: 'outbox-relay', reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const js = nc.jetstream();
  for (;;) {
    try {
      if (!state.ready) {
        await ensureSchema(pool);
        await ensureStream(nc);
        state.ready = true;
        log('relay', 'ready', { mode: MODE, stream: STREAM });
      }
      const n = MODE === 'mark-before-publish' ? await markFirstCycle(js) : await correctCycle(js);
      state.cycles++;
      state.lastOkAt = Date.now();
      if (n < BATCH) await sleep(POLL_MS);
    } catch (err) {
      if (held.length > 0) log('relay', 'dropped', { rows: held.length, ids: held.map((h) => h.row.id) });
      held = [];
      state.lastError = errorText(err);
      log('relay', 'cycle-failed', { error: state.lastError });
      if (GIVE_UP) {
        log('relay', 'gave-up', {});
        return;
      }
      await sleep(500);
    }
  }
}

createServer((req, res) => {
  const fresh = state.ready && Date.now() - state.lastOkAt < 3000;
  if (req.url === '/healthz') res.writeHead(fresh ? 200 : 503).end(fresh ? 'ok' : state.lastError || 'starting');
  else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state));
}).listen(Number(env('PORT', '8080')), '0.0.0.0');

main().catch((err) => {
  log('relay', 'fatal', { error: errorText(err) });
  process.exit(1);
});
