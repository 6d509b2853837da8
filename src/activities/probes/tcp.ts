/**
 * TCP probe: the port accepts a connection. Behind Docker's port proxy a connect can succeed even
 * when the container is frozen; probe the protocol (http, nats, postgres) to see that.
 */
import { Socket } from 'node:net';
import { describeEndpoint } from '../../spec/endpoint';
import type { ProbeOf } from '../../spec/probes';
import { resolveAddress } from './endpoint';
import { type Probe, type ProbeContext, ProbeFailure, onAbort } from './probe';
import { errorText } from '../../errors';

type TcpProbe = ProbeOf<'tcp'>;

export const tcpProbe: Probe<TcpProbe> = {
  label: 'value',

  async run(ctx: ProbeContext, p: TcpProbe): Promise<{ connected: true }> {
    const addr = await resolveAddress(p, ctx);
    const what = describeEndpoint(p);
    const socket = new Socket();
    try {
      await new Promise<void>((resolve, reject) => {
        const off = onAbort(ctx.signal, () => reject(new ProbeFailure(`${what}: no connection within ${ctx.timeoutMs}ms`)));
        socket.once('connect', () => {
          off();
          resolve();
        });
        socket.once('error', (err) => {
          off();
          reject(new ProbeFailure(`${what} (${addr.host}:${addr.port}): ${errorText(err)}`, { cause: err }));
        });
        socket.connect({ host: addr.host, port: addr.port });
      });
      return { connected: true };
    } finally {
      socket.destroy();
    }
  },

  check: () => undefined,
};
