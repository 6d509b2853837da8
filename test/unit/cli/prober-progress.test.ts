/**
 * Progress lines for continuous probes come from the probers' heartbeats: the last sample of each
 * running prober, decoded (and decrypted when a codec key is set) from what the server returns for
 * its pending activities; other activities and probers that have not sampled yet are skipped.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { ProberProgress } from '../../../src/activities/types';
import { proberSamples } from '../../../src/cli/prober-progress';
import { EncryptionCodec } from '../../../src/temporal/codec';

const progress = (probe: string, ok: boolean): ProberProgress => ({
  probe,
  attempt: 1,
  seq: 3,
  ok: ok ? 3 : 2,
  failed: ok ? 0 : 1,
  streak: ok ? 0 : 1,
  last: { ok, at: 1, latencyMs: 2, ...(ok ? {} : { error: 'connect ECONNREFUSED' }) },
  tripped: false,
  late: 0,
  gaps: 0,
});

function handle(activities: Array<{ type: string; details?: unknown[] }>, encode = (p: unknown) => defaultPayloadConverter.toPayload(p)) {
  return {
    describe: async () => ({
      raw: { pendingActivities: activities.map((a) => ({ activityType: { name: a.type }, heartbeatDetails: a.details ? { payloads: a.details.map(encode) } : undefined })) },
    }),
  } as unknown as Pick<WorkflowHandle, 'describe'>;
}

test('each running prober with a sample gives its probe and last sample; others are skipped', async () => {
  const h = handle([
    { type: 'runProber', details: [progress('nats-1', false)] },
    { type: 'runProber', details: [progress('cluster', true)] },
    { type: 'runProber' },
    { type: 'runWorkload', details: [{ invoked: 3 }] },
    { type: 'runProber', details: [{ ...progress('fresh', true), last: undefined }] },
  ]);
  expect(await proberSamples(h)).toEqual([
    { label: 'nats-1', sample: { ok: false, at: 1, latencyMs: 2, error: 'connect ECONNREFUSED' } },
    { label: 'cluster', sample: { ok: true, at: 1, latencyMs: 2 } },
  ]);
});

test('encrypted heartbeats are decrypted with the key from the environment', async () => {
  const key = Buffer.alloc(32, 7);
  const codec = new EncryptionCodec(key, 'k1');
  const payload = defaultPayloadConverter.toPayload(progress('db', false))!;
  const [encrypted] = await codec.encode([payload]);
  const h = handle([{ type: 'runProber', details: [0] }], () => encrypted);
  process.env.FAULTLINE_CODEC_KEY = key.toString('hex');
  process.env.FAULTLINE_CODEC_KEY_ID = 'k1';
  try {
    expect(await proberSamples(h)).toEqual([{ label: 'db', sample: expect.objectContaining({ ok: false }) }]);
  } finally {
    delete process.env.FAULTLINE_CODEC_KEY;
    delete process.env.FAULTLINE_CODEC_KEY_ID;
  }
});
