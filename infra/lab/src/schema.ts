/**
 * The outbox schema the relay creates at start (idempotent): the business table the writer fills
 * and the outbox it relays. A partial index keeps the relay's claim query cheap as rows pile up.
 */
import type { Pool } from 'pg';

export async function ensureSchema(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS orders (
      id text PRIMARY KEY,
      amount integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS outbox (
      id text PRIMARY KEY,
      subject text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz);
    CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (created_at) WHERE sent_at IS NULL;`);
}
