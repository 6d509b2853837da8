/**
 * Gathers from Docker what the guardrail decisions need: each target's labels, image and ports,
 * the size of its service, and the faults other runs hold on the engine (their running
 * reverters). Reads only; nothing here changes a container.
 */
import type Docker from 'dockerode';
import { LABELS } from '../docker/labels';
import { statusOf } from '../docker/status';
import type { ContainerRef } from '../types';
import type { TargetFacts } from './decide';

/** Facts of one container; one that is gone has none (the inject will find it gone too). */
export async function targetFacts(docker: Docker, ref: ContainerRef): Promise<TargetFacts | undefined> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(ref.id).inspect();
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
  const labels = info.Config.Labels ?? {};
  const ports = new Set<number>();
  const add = (spec: string) => {
    const n = Number.parseInt(spec, 10);
    if (Number.isFinite(n)) ports.add(n);
  };
  Object.keys(info.Config.ExposedPorts ?? {}).forEach(add);
  for (const [spec, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    add(spec);
    for (const b of bindings ?? []) add(b.HostPort);
  }
  return { id: info.Id, name: info.Name.replace(/^\//, ''), image: info.Config.Image, labels, ports: [...ports], serviceSize: await serviceSize(docker, labels) };
}

/** Containers of the same project and service, by Faultline's labels or compose's. */
async function serviceSize(docker: Docker, labels: Record<string, string>): Promise<number | undefined> {
  const pairs: Array<[string, string]> = [
    [LABELS.project, LABELS.service],
    ['com.docker.compose.project', 'com.docker.compose.service'],
  ];
  for (const [p, s] of pairs) {
    if (labels[p] === undefined || labels[s] === undefined) continue;
    const list = await docker.listContainers({ all: true, filters: { label: [`${p}=${labels[p]}`, `${s}=${labels[s]}`] } });
    return list.length;
  }
  return undefined;
}

/** Distinct faults held by running reverters of runs other than `run`. */
export async function faultsHeldElsewhere(docker: Docker, run: string, heldFaultIds: string[]): Promise<number> {
  const reverters = await docker.listContainers({ filters: { label: [`${LABELS.helper}=reverter`], status: ['running'] } });
  const mine = new Set(heldFaultIds);
  const ids = new Set(
    reverters
      .filter((r) => r.Labels[LABELS.run] !== run)
      .map((r) => r.Labels[LABELS.fault] ?? r.Id)
      .filter((id) => !mine.has(id)),
  );
  return ids.size;
}
