/**
 * The NATS connection workloads share: it reconnects forever (a killed or partitioned server must
 * not end the workload) and messages carry their operation id as `{ "id": ... }`, which the no-loss
 * check's JetStream reader understands too.
 */
import { JSONCodec, type NatsConnection, connect } from 'nats';
import { type OpResult } from './driver';
import { errorText } from '../../errors';
import { hostPort, resolveAddress } from '../probes/endpoint';
import type { Reach } from '../probes/endpoint';
import type { Endpoint } from '../../spec/endpoint';

export const idCodec = JSONCodec<{ id?: unknown }>();

export async function workloadConnection(name: string, e: Endpoint, reach: Reach, timeoutMs: number): Promise<NatsConnection> {
  return connect({
    servers: hostPort(await resolveAddress(e, reach)),
    name: `faultline-workload-${name}`,
    timeout: timeoutMs,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    // Only the server given: the workload measures that path, not whichever peer the cluster offers.
    ignoreClusterUpdates: true,
  });
}

export function idOf(data: Uint8Array): string | undefined {
  try {
    const id = idCodec.decode(data).id;
    return id === undefined ? undefined : String(id);
  } catch {
    return undefined;
  }
}

/** One round trip to the server: ok when it answered, failed once the connection is closed for good. */
export async function flushOutcome(nc: NatsConnection): Promise<OpResult> {
  try {
    await nc.flush();
    return { outcome: 'ok' };
  } catch (err) {
    return { outcome: nc.isClosed() ? 'failed' : 'unknown', error: errorText(err) };
  }
}
