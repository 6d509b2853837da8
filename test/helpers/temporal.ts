/**
 * A real Temporal dev server per test file (the CLI binary from scripts/setup.sh), on free ports
 * with its own database folder, plus a client and a NativeConnection for in-process workers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { freePort } from './net';
import { ensureSearchAttributes } from '../../src/temporal/connect';
import { type DevServer, ensureDevServer } from '../../src/temporal/dev-server';

export interface TestTemporal {
  server: DevServer;
  address: string;
  client: Client;
  connection: Connection;
  native: NativeConnection;
  dir: string;
  teardown(): Promise<void>;
}

export async function startTestTemporal(): Promise<TestTemporal> {
  const dir = mkdtempSync(join(tmpdir(), 'fl-temporal-'));
  const server = await ensureDevServer({ port: await freePort(), uiPort: await freePort(), dir, attached: true });
  const connection = await Connection.connect({ address: server.address });
  await ensureSearchAttributes(connection, 'default');
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  return {
    server,
    address: server.address,
    client,
    connection,
    native,
    dir,
    async teardown() {
      await native.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
