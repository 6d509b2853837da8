/**
 * pg-outbox-writer: one transaction per operation that inserts a business row and an outbox row
 * with the same id. COMMIT acknowledged -> ok; an error before COMMIT was sent -> failed (the
 * server rolls the transaction back); an error or timeout while COMMIT is in flight -> unknown.
 */
import { Pool, type PoolClient } from 'pg';
import type { WorkloadOf } from '../../spec/workloads';
import { resolveAddress } from '../probes/endpoint';
import type { Reach } from '../probes/endpoint';
import { type OpResult, type WorkloadDriver, type WorkloadSession } from './driver';
import { errorText } from '../../errors';
import { resolveOptionalSecret } from '../secrets';

type Writer = WorkloadOf<'pg-outbox-writer'>;

export const pgOutboxWriter: WorkloadDriver<Writer> = {
  async open(w: Writer, reach: Reach, timeoutMs: number): Promise<WorkloadSession> {
    const addr = await resolveAddress(w, reach);
    // Resolved here, on the worker: the activity input carries only the reference.
    const password = await resolveOptionalSecret(w.password);
    const pool = new Pool({
      host: addr.host,
      port: addr.port,
      user: w.user,
      password,
      database: w.database,
      max: w.concurrency,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: `faultline-workload-${w.id}`,
    });
    // A killed server ends pooled connections, idle or checked out: each emits 'error', which the
    // pool handles for idle ones only. Unhandled, it would crash the worker; the op sees the failure anyway.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const business = `INSERT INTO ${w.businessTable} (id, amount) VALUES ($1, $2)`;
    const outbox = `INSERT INTO ${w.outboxTable} (id, subject, payload) VALUES ($1, $2, $3)`;
    return {
      async op(id: string): Promise<OpResult> {
        let client: PoolClient;
        try {
          client = await pool.connect();
        } catch (err) {
          return { outcome: 'failed', error: `connect: ${errorText(err)}` };
        }
        let committing = false;
        try {
          await client.query('BEGIN');
          const amount = 1 + (id.length * 7919) % 1000;
          await client.query(business, [id, amount]);
          await client.query(outbox, [id, w.subject, JSON.stringify({ id, amount })]);
          committing = true;
          await client.query('COMMIT');
          client.release();
          return { outcome: 'ok' };
        } catch (err) {
          // The connection may be half-dead; never hand it back to the pool.
          client.release(err instanceof Error ? err : new Error(String(err)));
          return { outcome: committing ? 'unknown' : 'failed', error: `${committing ? 'commit' : 'insert'}: ${errorText(err)}` };
        }
      },
      async close() {
        await pool.end().catch(() => undefined);
      },
    };
  },
};
