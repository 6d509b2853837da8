/**
 * The encrypting payload codec and its codec server: what leaves a process is ciphertext bound to
 * its key, a wrong key or a flipped bit is refused rather than misread, and the codec server hands
 * the Web UI exactly the payloads the workers wrote.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Payload } from '@temporalio/common';
import { EncryptionCodec, codecFromEnv } from '../../../src/temporal/codec';
import { startCodecServer } from '../../../src/temporal/codec-server';

const key = randomBytes(32);
const codec = new EncryptionCodec(key, 'k1');
const plain = (s: string): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(s)) });
const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

test('encode hides the payload and decode gives back its metadata and data', async () => {
  const [sealed] = await codec.encode([plain('postgres password hunter2')]);
  expect(utf8(sealed.data)).not.toContain('hunter2');
  expect(utf8(sealed.metadata?.encoding)).toBe('binary/encrypted');
  expect(utf8(sealed.metadata?.['encryption-key-id'])).toBe('k1');
  const [back] = await codec.decode([sealed]);
  expect(utf8(back.data)).toBe('"postgres password hunter2"');
  expect(utf8(back.metadata?.encoding)).toBe('json/plain');
});

test('the same payload encrypts differently each time (a fresh IV)', async () => {
  const [a, b] = await codec.encode([plain('x'), plain('x')]);
  expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
});

test('a wrong key, another key id or a flipped bit is refused', async () => {
  const [sealed] = await codec.encode([plain('secret')]);
  await expect(new EncryptionCodec(randomBytes(32), 'k1').decode([sealed])).rejects.toThrow(/unable to authenticate|auth/i);
  await expect(new EncryptionCodec(key, 'k2').decode([sealed])).rejects.toThrow(/encrypted with key "k1"/);
  const tampered = Buffer.from(sealed.data!);
  tampered[20] ^= 1;
  await expect(codec.decode([{ ...sealed, data: tampered }])).rejects.toThrow();
});

test('payloads that were never encrypted pass through decode unchanged', async () => {
  const p = plain('history from before encryption was turned on');
  expect(await codec.decode([p])).toEqual([p]);
});

test('the key comes from FAULTLINE_CODEC_KEY as hex or base64; none means no encryption; a short key is refused', () => {
  expect(codecFromEnv({})).toBeUndefined();
  expect(codecFromEnv({ FAULTLINE_CODEC_KEY: key.toString('hex') })).toBeInstanceOf(EncryptionCodec);
  expect(codecFromEnv({ FAULTLINE_CODEC_KEY: key.toString('base64') })).toBeInstanceOf(EncryptionCodec);
  expect(() => codecFromEnv({ FAULTLINE_CODEC_KEY: 'c2hvcnQ=' })).toThrow(/32 bytes/);
});

test('the codec server decodes for the Web UI, from its origin only, on loopback', async () => {
  const server = await startCodecServer({ codec, port: 0, origin: 'http://127.0.0.1:8233' });
  try {
    const { port } = server.address() as AddressInfo;
    const [sealed] = await codec.encode([plain('journal')]);
    const body = {
      payloads: [{ metadata: Object.fromEntries(Object.entries(sealed.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(sealed.data!).toString('base64') }],
    };
    const res = await fetch(`http://127.0.0.1:${port}/decode`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    const out = (await res.json()) as { payloads: Array<{ data: string; metadata: Record<string, string> }> };
    expect(Buffer.from(out.payloads[0].data, 'base64').toString()).toBe('"journal"');
    expect(Buffer.from(out.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect((await fetch(`http://127.0.0.1:${port}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/decode`, { method: 'POST', body: '{"nope":1}' })).status).toBe(400);
    expect(server.address()).toMatchObject({ address: '127.0.0.1' });
  } finally {
    server.close();
  }
});
