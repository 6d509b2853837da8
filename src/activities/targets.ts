/**
 * Resolves a fault's or rollback's target selector to every matching container of the project: a
 * stack Faultline started, or an attached one (its containers carry only the compose labels; the
 * service is their `com.docker.compose.service`).
 * Selection among them (one, count, percent) happens in the workflow so random picks are recorded.
 */
import { FaultlineError } from '../errors';
import { type Target, describeTarget } from '../spec/target';
import type { ContainerFilter, ContainerOps } from './ports';
import type { ContainerRef, ResolveTargetsInput } from './types';

/** All matches within the project, sorted by name; none is a non-retryable TargetNotFound. */
export async function resolveTargets(ops: ContainerOps, input: ResolveTargetsInput): Promise<ContainerRef[]> {
  const { project, target } = input;
  if (target.fromProbe !== undefined) {
    throw new FaultlineError('InvalidScenario', `${describeTarget(target)}: the workflow must pick it with pickTargetByProbe first`, { retryable: false });
  }
  if (input.scope === 'engine') return resolveOnEngine(ops, target);
  const matches = await findMatches(ops, project, target);
  if (matches.length > 0) return [...matches].sort((a, b) => a.name.localeCompare(b.name));

  const all = await ops.list({ project });
  const services = [...new Set(all.map((c) => c.service).filter((s): s is string => s !== undefined))].sort();
  const known =
    all.length === 0
      ? `project ${project} has no containers`
      : `project ${project} has services: ${services.join(', ') || '(none)'}; containers: ${all.map((c) => c.name).join(', ')}`;
  throw new FaultlineError('TargetNotFound', `no container matches ${describeTarget(target)} (${known})`, {
    retryable: false,
    context: { project, target, services, containers: all.map((c) => c.name) },
    hint: 'check the target against the services of the stack (faultline validate lists them)',
  });
}

/**
 * No stack: a container name (exact) or labels across the engine. Faultline's own helpers and the
 * Temporal server are found like anything else here and refused by the guardrails' built-in deny,
 * which says so in the journal, rather than silently left out.
 */
async function resolveOnEngine(ops: ContainerOps, target: Target): Promise<ContainerRef[]> {
  if (target.service !== undefined) {
    throw new FaultlineError('InvalidScenario', `${describeTarget(target)}: a target by service needs a stack; without one, give "container" or "labels"`, { retryable: false });
  }
  // Input that skipped the schema must not turn "no labels" into "every container on the engine".
  if (target.container === undefined && Object.keys(target.labels ?? {}).length === 0) {
    throw new FaultlineError('InvalidScenario', `${describeTarget(target)}: give a container name or at least one label`, { retryable: false });
  }
  const matches = target.container !== undefined ? await ops.list({ name: target.container }) : await ops.list({ labels: target.labels });
  if (matches.length > 0) return [...matches].sort((a, b) => a.name.localeCompare(b.name));
  throw new FaultlineError('TargetNotFound', `no container on this Docker engine matches ${describeTarget(target)}`, {
    retryable: false,
    context: { target },
    hint: 'the experiment has no stack, so targets are looked up across the engine: check the name with `docker ps -a` (or the labels with `docker ps --filter label=...`)',
  });
}

async function findMatches(ops: ContainerOps, project: string, target: Target): Promise<ContainerRef[]> {
  const base: ContainerFilter = { project };
  if (target.service !== undefined) return ops.list({ ...base, service: target.service });
  if (target.labels !== undefined) return ops.list({ ...base, labels: target.labels });
  if (target.container !== undefined) {
    // Accept the full container name or the short one without the `<project>-` prefix (compose v1
    // names containers `<project>_<service>_1`, so its `_` prefix too).
    for (const name of [target.container, `${project}-${target.container}`, `${project}_${target.container}`]) {
      const found = await ops.list({ ...base, name });
      if (found.length > 0) return found;
    }
    return [];
  }
  return [];
}
