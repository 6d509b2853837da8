/**
 * Everything `faultline run` and `plan` check before anything is started: the scenario, the
 * compose file, every target and endpoint against it, and (for run) that Docker answers and the
 * images exist. A problem here exits non-zero with no container and no workflow created.
 */
import Docker from 'dockerode';
import { projectContainers, serviceOf } from '../activities/stack/docker-spec';
import { LABELS } from '../activities/docker/labels';
import { FaultlineError, ValidationError } from '../errors';
import type { Experiment } from '../spec';
import { type ComposeModel, selectServices } from '../spec/compose';
import { loadExperimentFile } from '../spec/load';
import type { BindLine } from '../spec/plan-privileges';
import { checkAgainstStack } from '../activities/stack/check';

export interface Checked {
  exp: Experiment;
  model?: ComposeModel;
  services: string[];
}

/** The same check as the worker's validateStack activity, with problems named after the file. */
export function checkScenario(file: string): Checked {
  const exp = loadExperimentFile(file);
  return { exp, ...checkAgainstStack(exp, file) };
}

/** The bind mounts of the services the stack's profiles select, for the plan. */
export function bindsOf(checked: Checked): BindLine[] {
  if (!checked.model) return [];
  const model = checked.model;
  return checked.services.flatMap((service) =>
    model.services[service].volumes.filter((m) => m.type === 'bind').map((m) => ({ service, source: m.source, target: m.target, readOnly: m.readOnly })),
  );
}

/**
 * For `plan` on an attached stack: its containers as they are now, one line each (read only). A
 * Docker engine that does not answer is said in one line; the plan is still printed.
 */
export async function attachedLines(checked: Checked, docker: Docker = new Docker()): Promise<string[] | undefined> {
  const project = checked.exp.stack?.attach?.project;
  if (project === undefined) return undefined;
  try {
    const containers = await projectContainers(docker, project);
    if (containers.length === 0) return [`now: no container of project ${project} on this engine (the run would refuse it)`];
    return [
      `now: ${containers.length} container(s)`,
      ...containers
        .map((c) => `${(c.Names[0] ?? c.Id).replace(/^\//, '')}  service ${serviceOf(c) ?? '(none)'}  ${c.State}${c.Labels[LABELS.project] ? '  (started by Faultline)' : ''}`)
        .sort(),
    ];
  } catch (err) {
    return [`now: not looked up, the Docker engine does not answer (${(err as Error).message})`];
  }
}

export async function checkDocker(docker: Docker, checked: Checked): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new FaultlineError('DockerUnreachable', `the Docker engine does not answer: ${(err as Error).message}`, {
      hint: 'run `npm run setup` (it starts dockerd on Debian) or start Docker yourself',
      retryable: false,
    });
  }
  if (!checked.model || checked.exp.stack?.compose === undefined) return;
  const selected = selectServices(checked.model, checked.exp.stack.profiles);
  const missing: string[] = [];
  for (const [name, svc] of Object.entries(selected)) {
    // A service with `build` gets its image from stack up, which builds it first.
    if (svc.build) continue;
    try {
      await docker.getImage(svc.image).inspect();
    } catch {
      missing.push(`services.${name}.image: image "${svc.image}" is not built on this machine`);
    }
  }
  if (missing.length > 0) {
    throw new ValidationError(checked.exp.stack.compose, missing, 'images are built locally by `npm run setup` (scripts/setup.sh)');
  }
}
