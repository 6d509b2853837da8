/** `faultline worker`: a standalone worker on the `faultline` task queue until SIGINT or SIGTERM. */
import { hostname } from 'node:os';
import { NativeConnection } from '@temporalio/worker';
import { loadWorkerPolicy } from '../activities/policy';
import { artifactsRoot } from '../temporal/config';
import { JANITOR_SCHEDULE_ID, ensureJanitorSchedule } from '../temporal/janitor-schedule';
import { TASK_QUEUE } from '../temporal/search-attributes';
import { createWorker } from '../worker/create';
import { installRuntime } from '../worker/runtime';
import type { Output } from './output';
import { openSession } from './session';

export async function workerCommand(opts: { identity?: string; janitor?: boolean; janitorEvery?: string; config?: string }, out: Output): Promise<number> {
  // Read first: a bad policy file exits 64 before anything connects.
  const policy = loadWorkerPolicy(opts.config);
  installRuntime('WARN', ['SIGINT', 'SIGTERM']);
  const session = await openSession(out, { startServer: true });
  const connection = await NativeConnection.connect({ address: session.settings.address });
  const identity = opts.identity ?? `faultline-worker-${process.pid}@${hostname()}`;
  if (opts.janitor !== false) {
    const created = await ensureJanitorSchedule(session.client, { every: opts.janitorEvery });
    out.info(created ? `created the janitor schedule "${JANITOR_SCHEDULE_ID}"` : `janitor schedule "${JANITOR_SCHEDULE_ID}" is in place`);
  }
  const worker = await createWorker({ connection, namespace: session.settings.namespace, artifactsRoot: artifactsRoot(), identity, policy });
  const host = policy.hostFaults;
  out.info(host.enabled ? `host faults enabled for: ${host.processes.join(', ') || '(no process)'}` : 'host faults disabled (no worker policy enables them)');
  out.info(`worker ${identity} polling task queue "${TASK_QUEUE}" on ${session.settings.address} (namespace ${session.settings.namespace})`);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await session.close();
  }
  out.info('worker stopped');
  return 0;
}
