/**
 * Shared pieces of the safety-net tests: a one-container stack, experiment inputs, and the
 * Faultline helper containers (reverters, leases) of a run as Docker reports them.
 */
import { join } from 'node:path';
import Docker from 'dockerode';
import { LABEL } from '../../src/activities/safety/helpers';
import type { ExperimentInput } from '../../src/spec';

export const SLEEPER = join(__dirname, '..', 'fixtures', 'compose', 'sleeper.yml');
export const docker = new Docker();

export function experiment(project: string, method: ExperimentInput['method'], safety?: ExperimentInput['safety']): ExperimentInput {
  return {
    name: 'safety-net',
    hypothesis: 'no fault outlives its run, whatever happens to the run',
    stack: { compose: SLEEPER, project, keep: true },
    method,
    ...(safety ? { safety } : {}),
  };
}

export async function targetState(project: string): Promise<{ running: boolean; paused: boolean }> {
  const info = await docker.getContainer(`${project}-sleeper-1`).inspect();
  return { running: info.State.Running, paused: info.State.Paused };
}

export async function helpersOf(run: string): Promise<Array<{ kind: string; state: string; labels: Record<string, string>; id: string }>> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL.run}=${run}`] } });
  return list.map((c) => ({ kind: c.Labels[LABEL.helper], state: c.State, labels: c.Labels, id: c.Id }));
}

/** Removes whatever helpers a failed test left behind for its run (never anything else). */
export async function removeHelpersOf(run: string): Promise<void> {
  for (const h of await helpersOf(run)) await docker.getContainer(h.id).remove({ force: true }).catch(() => undefined);
}
