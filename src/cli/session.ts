/**
 * What every command that talks to Temporal needs: settings (TEMPORAL_ADDRESS or our dev server),
 * a client, and the search attributes registered.
 */
import type { Client, Connection } from '@temporalio/client';
import { type TemporalSettings, externalSettings } from '../temporal/config';
import { connectClient, ensureSearchAttributes } from '../temporal/connect';
import { ensureDevServer } from '../temporal/dev-server';
import type { Output } from './output';

export interface Session {
  settings: TemporalSettings;
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/** `startServer` false means: never start a dev server, fail if none is configured or running. */
export async function openSession(out: Output, opts: { startServer: boolean }): Promise<Session> {
  let settings = externalSettings();
  if (!settings) {
    if (opts.startServer) {
      const dev = await ensureDevServer({ onLog: (m) => out.info(m) });
      out.info(dev.reused ? `using the Faultline dev server at ${dev.address} (pid ${dev.pid})` : `started a Temporal dev server at ${dev.address} (pid ${dev.pid}); stop it with \`faultline server stop\``);
      settings = dev;
    } else {
      const port = Number(process.env.FAULTLINE_TEMPORAL_PORT ?? 7233);
      settings = { address: `127.0.0.1:${port}`, namespace: 'default', uiUrl: `http://127.0.0.1:${port + 1000}`, external: false };
    }
  }
  const { client, connection } = await connectClient(settings);
  await ensureSearchAttributes(connection, settings.namespace);
  return { settings, client, connection, close: () => connection.close() };
}
