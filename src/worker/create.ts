/**
 * Builds a Faultline worker. Recovery after a SIGKILL waits on timeouts, so they are kept short:
 * sticky-queue hand-off after 2 s and a 10 s grace for in-flight activities on a clean shutdown.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import Docker from 'dockerode';
import { type ActivityDeps, createActivities } from '../activities';
import { createContainerOps } from '../activities/docker/container-ops';
import { type WorkerPolicy, loadWorkerPolicy } from '../activities/policy';
import { systemClock } from '../activities/ports';
import { dataConverterFromEnv } from '../temporal/codec';
import { TASK_QUEUE } from '../temporal/search-attributes';
import { prebuiltBundle } from './prebuilt-bundle';

export interface FaultlineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  artifactsRoot: string;
  docker?: Docker;
  /** A workflow bundle (tests bundle once per file); otherwise the build's own, else the workflows are bundled now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** The operator's policy; without it, FAULTLINE_WORKER_CONFIG and the environment's lists (else nothing host-level). */
  policy?: WorkerPolicy;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

/** The bundle given, else the one made at build time from exactly the compiled files, else the sources to bundle now. */
function workflowSource(given: WorkerOptions['workflowBundle']): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = given ?? prebuiltBundle();
  return bundle ? { workflowBundle: bundle } : { workflowsPath: workflowsPath() };
}

export async function createWorker(opts: FaultlineWorkerOptions): Promise<Worker> {
  const docker = opts.docker ?? new Docker();
  const policy = opts.policy ?? loadWorkerPolicy();
  const deps: ActivityDeps = { docker, ops: createContainerOps(docker), clock: systemClock, artifactsRoot: opts.artifactsRoot, policy };
  // With FAULTLINE_CODEC_KEY set, every payload the worker sends is encrypted (docs/security.md).
  const dataConverter = dataConverterFromEnv();
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    activities: createActivities(deps),
    ...workflowSource(opts.workflowBundle),
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(dataConverter ? { dataConverter } : {}),
    stickyQueueScheduleToStartTimeout: '2s',
    shutdownGraceTime: '10s',
    shutdownForceTime: '30s',
  });
}
