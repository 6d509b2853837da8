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
import { FaultlineError } from '../../src/errors';
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
  const server = await startOnFreePorts(dir);
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

/**
 * Free ports are only free when picked: between `freePort()` and the server's bind, another process
 * (or one of the server's own services, which pick their ports at random) can take one, and the
 * server exits at start. A failed start is retried on fresh ports, with the failure's log kept in
 * the error if every attempt fails.
 */
async function startOnFreePorts(dir: string, attempts = 3): Promise<DevServer> {
  for (let i = 1; ; i++) {
    try {
      return await ensureDevServer({ port: await freePort(), uiPort: await freePort(), dir, attached: true });
    } catch (e) {
      if (i >= attempts || !(e instanceof FaultlineError) || e.code !== 'TemporalStartFailed') throw e;
      process.stderr.write(`temporal dev server failed to start (attempt ${i} of ${attempts}), retrying on fresh ports: ${e.message}\n`);
    }
  }
}
