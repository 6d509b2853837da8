/**
 * Client connection plus the one-time setup a server needs before experiments run on it: the
 * search attributes the workflow upserts. Against a server without them every upsert would fail
 * the workflow task, so Faultline registers them itself (idempotent).
 */
import { Client, Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { FaultlineError } from '../errors';
import { dataConverterFromEnv } from './codec';
import type { TemporalSettings } from './config';
import { SEARCH_ATTRIBUTES } from './search-attributes';

/** IndexedValueType in temporal.api.enums.v1: KEYWORD = 2, KEYWORD_LIST = 7. */
const INDEXED: Partial<Record<SearchAttributeType, number>> = {
  [SearchAttributeType.KEYWORD]: 2,
  [SearchAttributeType.KEYWORD_LIST]: 7,
};

export async function connectClient(s: TemporalSettings): Promise<{ client: Client; connection: Connection }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: s.address, connectTimeout: '10s' });
  } catch (err) {
    throw new FaultlineError('TemporalUnreachable', `cannot reach Temporal at ${s.address}: ${(err as Error).message}`, {
      hint: s.external ? 'check TEMPORAL_ADDRESS, or unset it to let Faultline start a local dev server' : undefined,
      retryable: false,
      cause: err,
    });
  }
  return { connection, client: new Client({ connection, namespace: s.namespace, dataConverter: dataConverterFromEnv() }) };
}

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const have = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTES.filter((k) => !(k.name in (have.customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED[k.type] ?? 2])),
    });
  } catch (err) {
    // Another process may have added them between our list and add; only a real gap is an error.
    const again = await connection.operatorService.listSearchAttributes({ namespace });
    if (missing.some((k) => !(k.name in (again.customAttributes ?? {})))) throw err;
  }
}
