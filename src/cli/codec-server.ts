/** `faultline codec-server`: decodes encrypted payloads for the Web UI until SIGINT or SIGTERM. */
import { FaultlineError } from '../errors';
import { codecFromEnv } from '../temporal/codec';
import { startCodecServer } from '../temporal/codec-server';
import type { Output } from './output';

export async function codecServerCommand(opts: { port: string; uiOrigin: string }, out: Output): Promise<number> {
  const codec = codecFromEnv();
  if (!codec) {
    throw new FaultlineError('BadUsage', 'FAULTLINE_CODEC_KEY is not set, so there is nothing to decode', {
      hint: 'set the same FAULTLINE_CODEC_KEY (and FAULTLINE_CODEC_KEY_ID) as the workers',
      retryable: false,
    });
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new FaultlineError('BadUsage', `--port must be a TCP port, got "${opts.port}"`, { retryable: false });
  const server = await startCodecServer({ codec, port, origin: opts.uiOrigin });
  out.info(`codec server on http://127.0.0.1:${port} for ${opts.uiOrigin}; set it as the Web UI's codec endpoint (Settings > Codec Server)`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
