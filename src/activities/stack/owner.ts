/**
 * Who owns a stack. Every container, network and volume stack up creates carries the owning run's
 * workflow id and first run id; a run may bring up a project whose objects another run owns only
 * when its scenario says `stack.share: true`, and teardown removes only what the tearing run owns.
 * Without this, a scenario naming another run's `stack.project` would adopt that stack, fault it
 * and remove it with its volumes at the end.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import { COMPOSE_LABELS, LABELS } from '../docker/labels';
import type { StackOwner } from '../types';

type Labels = Record<string, string> | null | undefined;

export const ownerLabels = (owner: StackOwner | undefined): Record<string, string> =>
  owner ? { [LABELS.ownerWorkflow]: owner.workflowId, [LABELS.ownerRun]: owner.runId } : {};

/** Owned by this run: the run id decides (workflow ids are reused by later runs of the same id). */
export const ownedBy = (labels: Labels, owner: StackOwner): boolean => labels?.[LABELS.ownerRun] === owner.runId;

/** Who an object's labels name as owner, in words. */
function ownerText(labels: Labels): string {
  const wf = labels?.[LABELS.ownerWorkflow];
  const run = labels?.[LABELS.ownerRun];
  return wf && run ? `workflow ${wf} (run ${run})` : 'an unknown run (no owner labels)';
}

interface StackObject {
  kind: 'container' | 'network' | 'volume';
  name: string;
  labels: Labels;
}

/** Every object labelled with the project by Faultline, and containers of a compose project of that name. */
async function projectObjects(docker: Docker, project: string): Promise<{ ours: StackObject[]; foreignCompose: string[] }> {
  const filters = { label: [`${LABELS.project}=${project}`] };
  const [containers, networks, volumes, compose] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
    docker.listContainers({ all: true, filters: { label: [`${COMPOSE_LABELS.project}=${project}`] } }),
  ]);
  const name = (c: Docker.ContainerInfo) => (c.Names[0] ?? c.Id).replace(/^\//, '');
  const ours: StackObject[] = [
    ...containers.filter((c) => c.Labels[LABELS.helper] === undefined).map((c) => ({ kind: 'container' as const, name: name(c), labels: c.Labels })),
    ...networks.map((n) => ({ kind: 'network' as const, name: n.Name, labels: n.Labels })),
    ...(volumes.Volumes ?? []).map((v) => ({ kind: 'volume' as const, name: v.Name, labels: v.Labels })),
  ];
  const foreignCompose = compose.filter((c) => c.Labels[LABELS.project] === undefined).map(name).sort();
  return { ours, foreignCompose };
}

/**
 * Refuses (non-retryable) a project that another run owns, unless `share`; and always refuses a
 * compose project of that name started by another tool, which stack up would otherwise mix into.
 * A retried stack up of the same run finds only its own objects and goes on.
 */
export async function checkStackOwner(docker: Docker, project: string, owner: StackOwner, share: boolean): Promise<void> {
  const { ours, foreignCompose } = await projectObjects(docker, project);
  if (foreignCompose.length > 0) {
    throw new FaultlineError(
      'StackConflict',
      `compose project "${project}" is already running, started outside Faultline (containers ${foreignCompose.join(', ')})`,
      {
        context: { project, containers: foreignCompose },
        hint: `to run on it as it is, write stack: { attach: { project: ${project} } }; else choose another stack.project`,
        retryable: false,
      },
    );
  }
  if (share) return;
  const foreign = ours.filter((o) => !ownedBy(o.labels, owner));
  if (foreign.length === 0) return;
  const owners = [...new Set(foreign.map((o) => ownerText(o.labels)))];
  throw new FaultlineError(
    'StackOwnedByAnotherRun',
    `stack project "${project}" belongs to ${owners.join(' and ')}: ${foreign.map((o) => `${o.kind} ${o.name}`).join(', ')}`,
    {
      context: { project, owners, objects: foreign.map((o) => o.name) },
      hint:
        'leave stack.project out so this run gets a project of its own; or set stack.share: true to run on that stack ' +
        '(it is left up at the end; only what this run creates is removed); or remove the old stack if nothing uses it',
      retryable: false,
    },
  );
}
