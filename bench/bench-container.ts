/**
 * The one throwaway container the fault benchmark works on. It carries the same project/service
 * labels a Faultline stack would, so the drivers find it the way they find real targets, and it is
 * removed by that label so a half-finished create or an interrupted run leaves nothing behind.
 */
import type Docker from 'dockerode';
import { LABELS } from '../src/activities/docker/labels';

export const BENCH_IMAGE = 'faultline/nats:local';
export const BENCH_SERVICE = 'nats';

export interface BenchContainer {
  project: string;
  container: Docker.Container;
}

/** Creates and starts the container; resolves once Docker reports it running. */
export async function startBenchContainer(docker: Docker, project: string): Promise<BenchContainer> {
  const container = await docker.createContainer({
    name: `${project}-${BENCH_SERVICE}`,
    Image: BENCH_IMAGE,
    Labels: { [LABELS.project]: project, [LABELS.service]: BENCH_SERVICE },
    // No ports: the benchmark only drives the container's lifecycle, it never talks to NATS.
    HostConfig: { AutoRemove: false, RestartPolicy: { Name: 'no' } },
  });
  await container.start();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const info = await container.inspect();
    if (info.State.Running && !info.State.Restarting) return { project, container };
    if (Date.now() > deadline) throw new Error(`bench container did not start (status ${info.State.Status})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Force-removes every container of the bench project; safe to call any number of times. */
export async function removeBenchContainers(docker: Docker, project: string): Promise<number> {
  const infos = await docker.listContainers({ all: true, filters: { label: [`${LABELS.project}=${project}`] } });
  await Promise.all(
    infos.map((i) =>
      docker
        .getContainer(i.Id)
        .remove({ force: true })
        .catch((err: unknown) => {
          // Two cleanups (signal and finally) may race for the same container; losing is fine.
          if (!isGoneOrGoing(err)) throw err;
        }),
    ),
  );
  return infos.length;
}

/**
 * Removes the containers on SIGINT/SIGTERM before exiting, because the benchmark leaves a target
 * paused or killed half the time and nothing else would clean it up. Returns a function that
 * unhooks the handlers once the normal path has cleaned up.
 */
export function cleanupOnSignal(docker: Docker, project: string, onSignal: () => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    onSignal();
    process.stderr.write(`\n${signal}: removing bench containers of ${project}\n`);
    removeBenchContainers(docker, project)
      .catch((err: unknown) => process.stderr.write(`cleanup failed: ${String(err)}\n`))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** 404: already removed; 409 "removal ... already in progress": someone else is removing it. */
function isGoneOrGoing(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { statusCode?: number; message?: string };
  return e.statusCode === 404 || (e.statusCode === 409 && /already in progress/i.test(e.message ?? ''));
}
