/**
 * An encrypting payload codec: every workflow and activity input and result leaves the worker or
 * the client as AES-256-GCM ciphertext, so the Temporal server, its database and anyone who can
 * read its history see no scenario, no probe answer and no journal. It is off unless a key is set:
 * FAULTLINE_CODEC_KEY, 32 bytes as base64 or 64 hex digits, with FAULTLINE_CODEC_KEY_ID naming it
 * (default `default`), and must be the same for every worker, client and codec server of a namespace.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type DataConverter, type Payload, type PayloadCodec, METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { FaultlineError } from '../errors';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const text = new TextEncoder();
const untext = new TextDecoder();
const ProtoPayload = temporal.api.common.v1.Payload;

export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly key: Buffer,
    private readonly keyId: string,
  ) {
    if (key.length !== 32) throw new FaultlineError('InvalidCodecKey', `the codec key must be 32 bytes, got ${key.length}`, { retryable: false });
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const sealed = Buffer.concat([cipher.update(ProtoPayload.encode(p).finish()), cipher.final()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: text.encode(ENCODING), [KEY_ID]: text.encode(this.keyId) },
        data: Buffer.concat([iv, sealed, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = p.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || untext.decode(encoding) !== ENCODING) return p;
      const keyId = p.metadata?.[KEY_ID] ? untext.decode(p.metadata[KEY_ID]) : '';
      if (keyId !== this.keyId) {
        throw new FaultlineError('CodecKeyMismatch', `payload encrypted with key "${keyId}", this process has key "${this.keyId}"`, { retryable: false });
      }
      const data = Buffer.from(p.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return ProtoPayload.decode(plain);
    });
  }
}

/** The key from the environment, or undefined when encryption is off. */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionCodec | undefined {
  const raw = env.FAULTLINE_CODEC_KEY;
  if (!raw) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  return new EncryptionCodec(key, env.FAULTLINE_CODEC_KEY_ID || 'default');
}

/** The data converter for workers and clients: the codec when a key is set, the SDK's default otherwise. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
