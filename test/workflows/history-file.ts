/**
 * Reads a history exported by `temporal workflow show -o json`. The SDK's historyFromJSON fails in
 * this install ("type must be a Type"): @temporalio/common and @temporalio/proto each carry their
 * own copy of protobufjs 8 (the root holds 7 for gRPC), and the JSON reader of one copy refuses the
 * message types of the other. Using the reader of the copy that @temporalio/proto itself resolves
 * sidesteps that. The CLI already writes enums in the constant form, so no fix-ups are needed.
 * Also: every string in a history, for the tests that scan it for what must not be there.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type FromJson = (type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fromJson } = require(require.resolve('protobufjs/ext/protojson', { paths: [dirname(require.resolve('@temporalio/proto'))] })) as { fromJson: FromJson };
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyFromFile(json: unknown): proto.temporal.api.history.v1.IHistory {
  return fromJson(historyType, json, { ignoreUnknownFields: true }) as proto.temporal.api.history.v1.IHistory;
}

export const readHistoryJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** Every byte string in a history, as text: payload data and metadata, wherever they sit. */
export function historyText(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => historyText(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => historyText(v, out));
  return out;
}
