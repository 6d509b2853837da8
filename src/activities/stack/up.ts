/**
 * Brings a compose stack up the way `docker compose up --wait` would, through the Docker API.
 * Safe to call again for the same project (a retried activity does): existing networks, volumes
 * and containers of the project are adopted and started, never duplicated.
 */
import { resolve } from 'node:path';
import type Docker from 'dockerode';
import { loadComposeFile, selectServices, servicesStartOrder } from '../../spec/compose';
import type { ComposePolicy } from '../../spec/compose/mount-policy';
import { toMs } from '../../spec/duration';
import type { StackHandle, StackUpInput } from '../types';
import { buildImages } from './build';
import { type ServiceRef, startContainer } from './container';
import { type WaitTarget, throwIfAborted, waitReady } from './health';
import { stackPorts } from './published-ports';
import { ensureImages, ensureNetworks, ensureVolumes } from './resources';
import { checkStackOwner } from './owner';
import { FaultlineError } from '../../errors';

export async function stackUp(
  docker: Docker,
  input: StackUpInput & { baseDir?: string },
  onProgress?: (msg: string) => void,
  signal?: AbortSignal,
  policy?: ComposePolicy,
): Promise<StackHandle> {
  const { project, stack, owner } = input;
  if (stack.compose === undefined) {
    throw new FaultlineError('InvalidScenario', `stack up needs a compose file; an attached stack (project ${project}) is never started by Faultline`, { retryable: false });
  }
  const timeoutMs = toMs(stack.healthTimeout);
  const waitOpts = { project, deadline: Date.now() + timeoutMs, timeoutMs, onProgress, signal };
  const model = loadComposeFile(input.baseDir ? resolve(input.baseDir, stack.compose) : stack.compose, policy);
  // Before anything is created: a project of another run (or of another compose tool) is not ours to take.
  if (owner) await checkStackOwner(docker, project, owner, stack.share === true);
  const selected = selectServices(model, stack.profiles);
  const order = servicesStartOrder(model, Object.keys(selected));

  await buildImages(docker, project, model, order, onProgress, signal);
  await ensureImages(docker, model, order);
  const used = Object.values(selected);
  const networkIds = await ensureNetworks(docker, project, model, unique(used.flatMap((s) => Object.keys(s.networks))), owner);
  const volumes = used.flatMap((s) => s.volumes.filter((m) => m.type === 'volume').map((m) => m.source));
  await ensureVolumes(docker, project, model, unique(volumes), owner);

  const started = new Map<string, WaitTarget[]>();
  const taken = new Set<number>();
  for (const service of order) {
    throwIfAborted(signal);
    const svc = model.services[service];
    // servicesStartOrder guarantees every dependency was started before its dependents.
    const deps = Object.entries(svc.dependsOn).flatMap(([dep, condition]) =>
      (started.get(dep) ?? []).map((t) => ({ ...t, want: condition === 'service_healthy' ? ('healthy' as const) : ('started' as const) })),
    );
    if (deps.length > 0) await waitReady(docker, deps, waitOpts);
    onProgress?.(`starting ${service}`);
    started.set(service, await startReplicas(docker, { project, service, svc, networkIds, owner }, taken));
  }
  await waitReady(docker, [...started.values()].flat(), waitOpts);
  onProgress?.(`stack ${project} ready`);
  return stackPorts(docker, project);
}

/** deploy.replicas containers, `<project>-<service>-1` .. `-N`, as compose names them. */
async function startReplicas(docker: Docker, ref: ServiceRef, taken: Set<number>): Promise<WaitTarget[]> {
  const out: WaitTarget[] = [];
  for (let number = 1; number <= ref.svc.replicas; number++) {
    const c = await startContainer(docker, { ...ref, number }, taken);
    out.push({ service: ref.service, ...c, want: 'healthy' });
  }
  return out;
}

const unique = (xs: string[]): string[] => [...new Set(xs)];
