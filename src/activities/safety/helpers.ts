/**
 * Faultline's own helper containers (reverters, leases), found by label so that a worker, the
 * janitor or a residue scan can see them without any state of their own. Every helper names its
 * kind, the run that made it and, where it has one, the fault it belongs to.
 */
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import { LABELS } from '../docker/labels';
import { statusOf } from '../docker/status';

export { HELPER_IMAGE, helperImageId, hardenedHostConfig, type HelperAccess } from './hardening';
/** The helper labels, from the one table of Faultline's labels. */
export const LABEL = {
  helper: LABELS.helper,
  run: LABELS.run,
  fault: LABELS.fault,
  target: LABELS.target,
  deadline: LABELS.deadline,
  record: LABELS.record,
} as const;

export type HelperKind = 'reverter' | 'lease';

export interface Helper {
  id: string;
  name: string;
  kind: string;
  state: string;
  labels: Record<string, string>;
}

/** Deterministic names make creation idempotent: Docker refuses a second container of one name. */
export const helperName = (kind: HelperKind, ...parts: string[]): string =>
  `fl-${kind}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 20)}`;

export async function listHelpers(docker: Docker, labels: Partial<Record<keyof typeof LABEL, string>>): Promise<Helper[]> {
  const filters = [LABEL.helper, ...Object.entries(labels).map(([k, v]) => `${LABEL[k as keyof typeof LABEL]}=${v}`)];
  const infos = await docker.listContainers({ all: true, filters: { label: filters } });
  return infos
    .map((i) => ({ id: i.Id, name: (i.Names[0] ?? i.Id).replace(/^\//, ''), kind: i.Labels[LABEL.helper], state: i.State, labels: i.Labels }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes a helper; one that is already gone is fine. */
export async function removeHelper(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true });
  } catch (err) {
    const code = statusOf(err);
    // 404: gone; 409: removal already in progress. Both end with no container.
    if (code === 404 || code === 409) return;
    throw new FaultlineError('DockerError', `cannot remove helper ${id.slice(0, 12)}: ${(err as Error).message}`, { cause: err });
  }
}

/** One line per helper for the residue list. */
export const describeHelper = (h: Helper): string =>
  `${h.kind} container ${h.name} (${h.state}${h.labels[LABEL.fault] ? `, fault ${h.labels[LABEL.fault]}` : ''}${h.labels[LABEL.target] ? `, target ${h.labels[LABEL.target]}` : ''})`;

/**
 * The run-level part of the residue scan: any helper still labelled with the run after its restore
 * phase (a reverter whose fault was never restored, a lease never released, any other helper).
 */
export async function helperResidue(docker: Docker, run: string): Promise<string[]> {
  return (await listHelpers(docker, { run })).map(describeHelper);
}
