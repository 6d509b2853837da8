/**
 * Checks every target and endpoint of an experiment against the services its stack will run, so a
 * typo fails before anything starts instead of as a TargetNotFound halfway through the method.
 *
 * Container names: a `container` target matches a service's `container_name`, its short name
 * `<service>-N`, or, when stack.project is set, its full name `<project>-<service>-N` (N from 1 to
 * the service's deploy.replicas). These are
 * the names the target resolver accepts. Labels match the compose labels plus those stack up adds.
 * A fault's target and the services it references come from its kind's declaration.
 */
import { ValidationError } from '../../errors';
import { type ComposeModel, type ComposeService, selectServices } from '../../spec/compose';
import type { Experiment } from '../../spec/experiment';
import { type ServiceRef, faultDeclaration, faultTarget } from '../../spec/faults';
import type { ProbeRef, ProbeSpec } from '../../spec/probes';
import { isFault, isProbe, walkSteps } from '../../spec/steps';
import type { Target } from '../../spec/target';
import { LABELS } from '../docker/labels';

export function validateAgainstStack(exp: Experiment, model: ComposeModel | undefined, profiles: string[] = exp.stack?.profiles ?? []): string[] {
  const problems: string[] = [];
  let selected: Record<string, ComposeService> = {};
  if (exp.stack && model) {
    try {
      selected = selectServices(model, profiles);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return err.problems.map((p) => (p.startsWith('profiles:') ? `stack.${p}` : `stack.compose: ${p}`));
    }
  }
  const ctx: Ctx = { exp, model: exp.stack ? model : undefined, attached: exp.stack?.attach !== undefined, selected, profiles, problems };

  for (const [id, p] of Object.entries(exp.probes)) checkProbe(ctx, p, `probes.${id}`);
  exp.steadyState.forEach((s, i) => checkRef(ctx, s.probe, `steadyState[${i}].probe`));
  exp.continuous.forEach((c, i) => checkRef(ctx, c.probe, `continuous[${i}].probe`));
  exp.checks.forEach((c, i) => {
    if ('probe' in c) checkRef(ctx, c.probe, `checks[${i}].probe`);
    const js = c.kind === 'no-loss' && 'jetstream' in c.consumed ? c.consumed.jetstream.endpoint : undefined;
    if (js?.service !== undefined) checkEndpoint(ctx, js.service, js.port, `checks[${i}].consumed.jetstream.endpoint`);
  });
  exp.workloads.forEach((w, i) => {
    if (w.service !== undefined) checkEndpoint(ctx, w.service, w.port, `workloads[${i}]`);
  });
  walkSteps(exp.method, (s, path) => {
    if (isFault(s)) {
      // A kind acting on the worker's host (process-kill) has no container target.
      const target = faultTarget(s.fault);
      if (target) checkTarget(ctx, target, `${path}.fault.target`, true);
      checkReferences(ctx, faultDeclaration(s.fault.kind).references(s.fault), `${path}.fault`);
    }
    if (isProbe(s)) checkRef(ctx, s.probe, `${path}.probe`);
  });
  exp.rollbacks.forEach((r, i) => checkTarget(ctx, r.target, `rollbacks[${i}].target`));
  return problems;
}

interface Ctx {
  exp: Experiment;
  model?: ComposeModel;
  /** An attached stack: its services are only known at run time, so targets and endpoints are checked then. */
  attached: boolean;
  selected: Record<string, ComposeService>;
  profiles: string[];
  problems: string[];
}

const NO_STACK = 'needs a stack, and this experiment has no "stack" section';

/** A probe given by id is checked once, where the library defines it. */
function checkRef(ctx: Ctx, ref: ProbeRef, path: string): void {
  if (typeof ref !== 'string') checkProbe(ctx, ref, path);
}

function checkProbe(ctx: Ctx, p: ProbeSpec, path: string): void {
  if (p.kind === 'container') return checkTarget(ctx, p.target, `${path}.target`);
  if (p.service !== undefined && p.port !== undefined) checkEndpoint(ctx, p.service, p.port, path);
  if (p.kind === 'nats' && p.via?.service !== undefined) checkEndpoint(ctx, p.via.service, p.via.port, `${path}.via`);
  if (p.kind === 'jetstream' && p.service !== undefined) checkEndpoint(ctx, p.service, p.monitorPort, `${path}.monitorPort`);
  if (p.kind === 'jetstream') p.alternates.forEach((s, i) => checkEndpoint(ctx, s, p.port, `${path}.alternates[${i}]`));
}

function checkEndpoint(ctx: Ctx, service: string, port: number, path: string): void {
  if (ctx.attached) return;
  if (!ctx.model) return void ctx.problems.push(`${path}.service: a service endpoint ${NO_STACK}; give "host" and "port" instead`);
  const svc = ctx.selected[service];
  if (!svc) return void ctx.problems.push(`${path}.service: ${unknownService(ctx, service)}`);
  const published = [...new Set(svc.ports.filter((p) => p.protocol === 'tcp').map((p) => p.containerPort))];
  if (!published.includes(port)) {
    const have = published.length > 0 ? `it publishes ${published.join(', ')}` : 'it publishes no ports';
    ctx.problems.push(`${path}.port: service "${service}" does not publish container port ${port}; ${have} (add "${port}" to its ports)`);
  }
}

function checkTarget(ctx: Ctx, t: Target, path: string, faultTarget = false): void {
  if (t.fromProbe !== undefined) {
    // Only a fault step runs in the workflow at a moment when "what the probe says now" is meaningful.
    if (!faultTarget) ctx.problems.push(`${path}.fromProbe: a target chosen by a probe is only supported for faults`);
    else if (!ctx.model && !ctx.attached) ctx.problems.push(`${path}.fromProbe: a target ${NO_STACK}`);
    return;
  }
  if (ctx.attached) return;
  const field = t.service !== undefined ? 'service' : t.container !== undefined ? 'container' : 'labels';
  if (!ctx.model) {
    // No stack: a fault may still pick containers across the engine, by container name or labels.
    if (faultTarget && field !== 'service') return;
    const instead = faultTarget ? '; without one, select containers across the Docker engine by "container" name or "labels"' : '';
    return void ctx.problems.push(`${path}.${field}: a target${field === 'service' ? ' by service' : ''} ${NO_STACK}${instead}`);
  }
  const services = Object.entries(ctx.selected);
  if (t.service !== undefined && !ctx.selected[t.service]) {
    ctx.problems.push(`${path}.service: ${unknownService(ctx, t.service)}`);
  } else if (t.container !== undefined && !services.some(([n, s]) => containerNames(ctx, n, s).includes(t.container ?? ''))) {
    const names = services.flatMap(([n, s]) => containerNames(ctx, n, s)[0]);
    ctx.problems.push(`${path}.container: no container named "${t.container}"; containers in profiles ${listProfiles(ctx)}: ${names.join(', ') || '(none)'}`);
  } else if (t.labels !== undefined && !services.some(([n, s]) => labelsMatch(ctx, n, s, t.labels ?? {}))) {
    const want = Object.entries(t.labels).map(([k, v]) => `${k}=${v}`).join(', ');
    ctx.problems.push(`${path}.labels: no service in profiles ${listProfiles(ctx)} has the labels ${want}`);
  }
}

/** Services a fault names besides its target, e.g. network peers (the target's check covers "no stack"). */
function checkReferences(ctx: Ctx, refs: ServiceRef[], path: string): void {
  if (ctx.attached) return;
  // Services are a stack's: a fault on a container found across the engine cannot name peers by service.
  if (!ctx.model) return refs.forEach((r) => ctx.problems.push(`${path}.${r.path}: a service ${NO_STACK}`));
  for (const r of refs) if (!ctx.selected[r.service]) ctx.problems.push(`${path}.${r.path}: ${unknownService(ctx, r.service)}`);
}

function containerNames(ctx: Ctx, service: string, s: ComposeService): string[] {
  if (s.containerName) return [s.containerName];
  const project = ctx.exp.stack?.project;
  const numbers = Array.from({ length: Math.max(1, s.replicas) }, (_, i) => i + 1);
  return numbers.flatMap((n) => (project ? [`${service}-${n}`, `${project}-${service}-${n}`] : [`${service}-${n}`]));
}

/** Project labels match any value when the project name is only chosen at run time. */
function labelsMatch(ctx: Ctx, service: string, s: ComposeService, want: Record<string, string>): boolean {
  const project = ctx.exp.stack?.project;
  const have: Record<string, string> = { ...s.labels, [LABELS.service]: service, 'com.docker.compose.service': service };
  return Object.entries(want).every(([k, v]) => {
    if (k === LABELS.project || k === 'com.docker.compose.project') return project === undefined || v === project;
    if (k === 'com.docker.compose.container-number') return /^\d+$/.test(v) && +v >= 1 && +v <= Math.max(1, s.replicas);
    return have[k] === v;
  });
}

const listProfiles = (ctx: Ctx): string => `[${ctx.profiles.join(', ')}]`;

function unknownService(ctx: Ctx, service: string): string {
  const other = ctx.model?.services[service];
  if (other) {
    return `service "${service}" is only in profiles [${other.profiles.join(', ')}], which stack.profiles ${listProfiles(ctx)} does not select`;
  }
  return `unknown service "${service}"; services in profiles ${listProfiles(ctx)}: ${Object.keys(ctx.selected).join(', ') || '(none)'}`;
}
