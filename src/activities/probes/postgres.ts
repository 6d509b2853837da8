/**
 * Postgres probe: connects, runs one statement and disconnects. The sample keeps the rows (capped)
 * and the first column of the first row as `value`, which expectations compare by default.
 */
import { Client } from 'pg';
import { describeEndpoint } from '../../spec/endpoint';
import type { ProbeOf } from '../../spec/probes';
import { resolveAddress } from './endpoint';
import { type Probe, type ProbeContext, ProbeFailure, onAbort } from './probe';
import { errorText } from '../../errors';
import { resolveOptionalSecret } from '../secrets';

type PostgresProbe = ProbeOf<'postgres'>;

const ROWS_KEPT = 50;

export interface PostgresValue {
  rows: Record<string, unknown>[];
  rowCount: number;
  value: unknown;
}

export const postgresProbe: Probe<PostgresProbe> = {
  label: 'value',
  defaultPath: '$.value',

  async run(ctx: ProbeContext, p: PostgresProbe): Promise<PostgresValue> {
    const addr = await resolveAddress(p, ctx);
    // Resolved here, on the worker: the activity input carries only the reference.
    const password = await resolveOptionalSecret(p.password);
    const client = new Client({
      host: addr.host,
      port: addr.port,
      user: p.user,
      password,
      database: p.database,
      connectionTimeoutMillis: ctx.timeoutMs,
      query_timeout: ctx.timeoutMs,
      statement_timeout: ctx.timeoutMs,
      application_name: 'faultline-probe',
    });
    // A socket error after the probe returned would otherwise be an unhandled 'error' event.
    client.on('error', () => undefined);
    const off = onAbort(ctx.signal, () => void client.end().catch(() => undefined));
    const where = `${describeEndpoint(p)} (${addr.host}:${addr.port})`;
    try {
      try {
        await client.connect();
      } catch (err) {
        throw new ProbeFailure(`postgres ${where}: cannot connect: ${errorText(err)}`, { cause: err });
      }
      try {
        const res = await client.query<Record<string, unknown>>(p.sql);
        const first = res.fields[0]?.name;
        return {
          rows: res.rows.slice(0, ROWS_KEPT),
          rowCount: res.rowCount ?? res.rows.length,
          value: first !== undefined && res.rows.length > 0 ? res.rows[0][first] : null,
        };
      } catch (err) {
        throw new ProbeFailure(`postgres ${where}: query failed: ${errorText(err)}`, { cause: err });
      }
    } finally {
      off();
      await client.end().catch(() => undefined);
    }
  },

  check: () => undefined,
};
