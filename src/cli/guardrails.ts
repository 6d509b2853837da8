/**
 * The CLI's side of the guardrails: `--enable-chaos` for the in-process worker, a refusal before
 * anything starts when the in-process worker's own rules already refuse the run, exit 64 for a run
 * the worker's guardrails refused, and `faultline plan`'s preview of which guardrail would refuse
 * which target right now. The worker decides at run time; this only says so early.
 */
import Docker from 'dockerode';
import { guardrailConfig } from '../activities/guardrails/config';
import { type TargetFacts, decideFault, decideRun, refusalText, targetVerdicts } from '../activities/guardrails/decide';
import { targetFacts } from '../activities/guardrails/facts';
import { type WorkerPolicy, withChaosEnabled } from '../activities/policy';
import { FaultlineError, GUARDRAIL_REFUSED } from '../errors';
import type { Journal } from '../report/journal';
import { type Experiment, type FaultStep, describeTarget, faultTarget, isFault, walkSteps } from '../spec';
import { selectionSize } from '../spec/select';
import { plannedFaults } from '../spec/planned-faults';

const REFUSED_HINT = "the worker's guardrails are set in its config (guardrails:, see docs/guardrails.md) and FAULTLINE_ENVIRONMENT / FAULTLINE_CHAOS_ENABLED";

/** `--enable-chaos` speaks for the in-process worker only: another worker's operator decides for it. */
export function policyWithFlags(policy: WorkerPolicy, opts: { enableChaos?: boolean; worker: boolean }): WorkerPolicy {
  if (!opts.enableChaos) return policy;
  if (!opts.worker) {
    throw new FaultlineError('BadUsage', '--enable-chaos enables chaos on the worker in this process, and --no-worker runs none', {
      hint: 'a separate worker is enabled by its operator: FAULTLINE_CHAOS_ENABLED=true or guardrails.chaosEnabled: true in its config',
      retryable: false,
    });
  }
  return withChaosEnabled(policy);
}

/** The run-level rules of the in-process worker, before a server, a worker or a stack starts. */
export function refuseEarly(policy: WorkerPolicy, exp: Experiment): void {
  const d = decideRun(guardrailConfig(policy.guardrails), exp.name, plannedFaults(exp));
  if (!d.allowed) throw new FaultlineError(GUARDRAIL_REFUSED, `refused by the guardrails: ${refusalText(d.verdicts)}`, { hint: REFUSED_HINT, retryable: false });
}

/** A run the worker's guardrails refused, with the refusing rules, or undefined. */
export function refusalOf(journal: Journal): string | undefined {
  const refused = journal.guardrails?.filter((c) => !c.allowed) ?? [];
  if (refused.length === 0) return undefined;
  return refused.map((c) => `${c.stage === 'run' ? 'before the run' : `before ${c.stepPath}`}: ${refusalText(c.verdicts)}`).join('\n');
}

/**
 * The plan's guardrail section: the run-level rules, and for each fault the containers its target
 * matches on the engine now, each with the rules that would refuse it. Targets of a stack that
 * Faultline has not started yet have no containers to show.
 */
export async function guardrailPreview(docker: Docker | undefined, policy: WorkerPolicy, exp: Experiment, source: string): Promise<string> {
  const cfg = guardrailConfig(policy.guardrails);
  const lines = [`guardrails (${source}; environment ${cfg.environment ?? 'not set'}; chaos ${cfg.chaosEnabled ? 'enabled' : 'not enabled'})`];
  const run = decideRun(cfg, exp.name, plannedFaults(exp));
  lines.push(`  before the run: ${run.allowed ? 'allowed' : `REFUSED ${refusalText(run.verdicts)}`}`);
  const steps: Array<{ step: FaultStep; path: string }> = [];
  walkSteps(exp.method, (s, path) => {
    if (isFault(s)) steps.push({ step: s, path });
  });
  for (const { step, path } of steps) {
    const target = faultTarget(step.fault);
    if (!target) {
      lines.push(`  ${path} ${step.fault.kind}: the worker's host (hostFaults policy)`);
      continue;
    }
    const head = `  ${path} ${step.fault.kind} on ${describeTarget(target)}`;
    if (target.fromProbe) {
      lines.push(`${head}: chosen by a probe at inject time; checked then`);
      continue;
    }
    if (!docker) {
      lines.push(`${head}: Docker does not answer, no target preview`);
      continue;
    }
    const found = await matchingNow(docker, exp, target);
    if (found.length === 0) {
      lines.push(`${head}: no container matches now${exp.stack ? ' (the run starts its own stack; checked before each inject)' : ''}`);
      continue;
    }
    const chosen = Math.min(found.length, selectionSize(target.mode, found.length));
    const radius = decideFault(cfg, exp.name, { fault: plannedFaults(exp).find((f) => f.stepPath === path)!, targets: found.slice(0, chosen), host: false, activeInRun: 0, activeElsewhere: 0 });
    const blast = radius.verdicts.filter((v) => !v.ok && v.rule.startsWith('max-'));
    lines.push(`${head}: ${found.length} container(s) now, ${chosen} chosen at run time${blast.length ? `; REFUSED ${refusalText(blast)}` : ''}`);
    for (const t of found) {
      const refused = targetVerdicts(cfg, [t]).filter((v) => !v.ok);
      lines.push(`    ${t.name}  ${refused.length === 0 ? 'allowed' : `REFUSED by ${refused.map((v) => v.rule).join(', ')}: ${refused.map((v) => v.detail).join('; ')}`}`);
    }
  }
  return lines.join('\n');
}

/** Containers on the engine the target's selector matches, within the scenario's named project if it has one. */
async function matchingNow(docker: Docker, exp: Experiment, target: NonNullable<ReturnType<typeof faultTarget>>): Promise<TargetFacts[]> {
  const project = exp.stack?.project;
  const infos = await docker.listContainers({ all: true });
  const facts: TargetFacts[] = [];
  for (const i of infos) {
    const labels = i.Labels ?? {};
    const name = (i.Names[0] ?? i.Id).replace(/^\//, '');
    const proj = labels['faultline.project'] ?? labels['com.docker.compose.project'];
    const service = labels['faultline.service'] ?? labels['com.docker.compose.service'];
    if (exp.stack && (project === undefined || proj !== project)) continue;
    const hit =
      target.service !== undefined
        ? service === target.service
        : target.container !== undefined
          ? name === target.container || (proj !== undefined && name === `${proj}-${target.container}`)
          : Object.entries(target.labels ?? {}).every(([k, v]) => labels[k] === v);
    if (!hit) continue;
    const f = await targetFacts(docker, { id: i.Id, name });
    if (f) facts.push(f);
  }
  return facts.sort((a, b) => a.name.localeCompare(b.name));
}

/** The local Docker engine if it answers within a second, for the plan's target preview. */
export async function reachableDocker(): Promise<Docker | undefined> {
  const docker = new Docker();
  const timeout = new Promise<false>((r) => setTimeout(() => r(false), 1000).unref());
  const ok = await Promise.race([docker.ping().then(() => true, () => false), timeout]);
  return ok ? docker : undefined;
}
