/**
 * The guardrail decisions, pure: from the operator's config and the facts about a run or a fault
 * (gathered from Docker by facts.ts), every rule gives a verdict, refusals included, so the
 * journal shows what was checked and `faultline plan` can preview what would be refused.
 */
import { formatMs } from '../../spec/duration';
import { LABELS } from '../docker/labels';
import type { GuardrailConfig, TargetMatchers } from './config';
import type { GuardrailVerdict, PlannedFault } from './types';

/** What the decision needs to know about one target container. */
export interface TargetFacts {
  id: string;
  name: string;
  image?: string;
  labels: Record<string, string>;
  /** Container ports it exposes or publishes (private and public). */
  ports: number[];
  /** Containers of its project's service, itself included; undefined when it belongs to no service. */
  serviceSize?: number;
}

export interface FaultFacts {
  fault: PlannedFault;
  /** Empty for a host fault (process-kill): the host has its own policy (hostFaults). */
  targets: TargetFacts[];
  host: boolean;
  /** Faults this run holds or is checking, besides this one. */
  activeInRun: number;
  /** Faults held by other runs on the engine (their running reverters). */
  activeElsewhere: number;
}

export interface Decision {
  allowed: boolean;
  verdicts: GuardrailVerdict[];
}

const TEMPORAL_PORT = 7233;
const PRODUCTION = new Set(['production', 'prod']);

export const projectOf = (t: TargetFacts): string | undefined => t.labels[LABELS.project] ?? t.labels['com.docker.compose.project'];
export const serviceOf = (t: TargetFacts): string | undefined => t.labels[LABELS.service] ?? t.labels['com.docker.compose.service'];
/** Faultline starts a container only with its project label; anything without it is someone else's. */
export const startedByFaultline = (t: TargetFacts): boolean => t.labels[LABELS.project] !== undefined;

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
const globMatch = (glob: string, s: string | undefined): boolean => s !== undefined && globToRegExp(glob).test(s);

function labelMatch(m: string, labels: Record<string, string>): boolean {
  const eq = m.indexOf('=');
  if (eq < 0) return labels[m] !== undefined;
  return labels[m.slice(0, eq)] === m.slice(eq + 1);
}

/** The first matcher a target matches, as text for the verdict, or undefined. */
export function matchOf(m: TargetMatchers, t: TargetFacts): string | undefined {
  const name = m.names.find((g) => globMatch(g, t.name));
  if (name) return `name ${name}`;
  const label = m.labels.find((l) => labelMatch(l, t.labels));
  if (label) return `label ${label}`;
  const project = m.projects.find((g) => globMatch(g, projectOf(t)));
  if (project) return `project ${project}`;
  return undefined;
}

const hasMatchers = (m: TargetMatchers): boolean => m.names.length + m.labels.length + m.projects.length > 0;

/** Why a target is always refused, whatever the config says, or undefined. */
export function builtInDeny(t: TargetFacts): string | undefined {
  if (t.labels[LABELS.helper] !== undefined) return `a Faultline helper (${LABELS.helper}=${t.labels[LABELS.helper]})`;
  if (t.labels['faultline.protected'] === 'true') return 'labelled faultline.protected=true';
  if (t.image !== undefined && /^(docker\.io\/)?temporalio\//.test(t.image)) return `the Temporal server (image ${t.image})`;
  if (t.ports.includes(TEMPORAL_PORT)) return `the Temporal server (port ${TEMPORAL_PORT})`;
  return undefined;
}

const verdict = (rule: GuardrailVerdict['rule'], refused: string[], okDetail: string, refusedDetail: string): GuardrailVerdict =>
  refused.length === 0 ? { rule, ok: true, detail: okDetail } : { rule, ok: false, detail: refusedDetail, refused };

export function environmentVerdict(cfg: GuardrailConfig, scenario: string): GuardrailVerdict {
  const env = cfg.environment;
  if (env === undefined) return { rule: 'environment', ok: true, detail: 'no environment configured' };
  if (!PRODUCTION.has(env.toLowerCase())) return { rule: 'environment', ok: true, detail: `environment ${env}` };
  if (cfg.allowProduction.includes(scenario)) return { rule: 'environment', ok: true, detail: `environment ${env}: scenario ${scenario} is in allowProduction` };
  return {
    rule: 'environment',
    ok: false,
    detail: `environment is ${env}: scenario ${scenario} is not in allowProduction, so it may not run here`,
  };
}

export function durationVerdict(cfg: GuardrailConfig, faults: PlannedFault[]): GuardrailVerdict {
  const max = cfg.maxFaultDurationMs;
  if (max === undefined) return { rule: 'max-fault-duration', ok: true, detail: 'no maximum configured' };
  const over = faults.filter((f) => f.holdMs !== undefined && f.holdMs > max);
  return {
    rule: 'max-fault-duration',
    ok: over.length === 0,
    detail:
      over.length === 0
        ? `every fault is held at most ${formatMs(max)}`
        : `${over.map((f) => `${f.stepPath} would be held ${formatMs(f.holdMs ?? 0)}`).join('; ')}: more than maxFaultDuration ${formatMs(max)}`,
  };
}

/** Before the run: the rules that need no target (environment, durations). */
export function decideRun(cfg: GuardrailConfig, scenario: string, faults: PlannedFault[]): Decision {
  return decision([environmentVerdict(cfg, scenario), durationVerdict(cfg, faults)]);
}

/** The rules on the targets alone, for one fault's selected targets (also `faultline plan`'s preview). */
export function targetVerdicts(cfg: GuardrailConfig, targets: TargetFacts[]): GuardrailVerdict[] {
  const builtIn = targets.flatMap((t) => {
    const why = builtInDeny(t);
    return why ? [`${t.name} (${why})`] : [];
  });
  const denied = targets.flatMap((t) => {
    const m = matchOf(cfg.deny, t);
    return m ? [`${t.name} (deny ${m})`] : [];
  });
  const allowing = hasMatchers(cfg.allow);
  const outside = allowing ? targets.filter((t) => matchOf(cfg.allow, t) === undefined).map((t) => t.name) : [];
  const foreign = cfg.chaosEnabled ? [] : targets.filter((t) => !startedByFaultline(t)).map((t) => t.name);
  return [
    verdict('built-in-deny', builtIn, 'no Temporal server, Faultline helper or faultline.protected=true container', `always refused: ${builtIn.join(', ')}`),
    verdict('denylist', denied, hasMatchers(cfg.deny) ? 'no target on the denylist' : 'no denylist configured', `on the denylist: ${denied.join(', ')}`),
    verdict(
      'allowlist',
      outside,
      allowing ? 'every target is on the allowlist' : 'no allowlist configured',
      `not on the allowlist: ${outside.join(', ')}`,
    ),
    verdict(
      'chaos-enabled',
      foreign,
      cfg.chaosEnabled ? 'chaos is enabled' : 'every target was started by Faultline',
      `not started by Faultline, and chaos is not enabled (FAULTLINE_CHAOS_ENABLED=true, chaosEnabled: true in the worker config, or faultline run --enable-chaos): ${foreign.join(', ')}`,
    ),
  ];
}

function blastVerdicts(cfg: GuardrailConfig, f: FaultFacts): GuardrailVerdict[] {
  const out: GuardrailVerdict[] = [];
  const n = f.targets.length;
  const maxN = cfg.maxContainersPerFault;
  out.push(
    maxN === undefined
      ? { rule: 'max-containers-per-fault', ok: true, detail: 'no maximum configured' }
      : n <= maxN
        ? { rule: 'max-containers-per-fault', ok: true, detail: `${n} of at most ${maxN} containers` }
        : { rule: 'max-containers-per-fault', ok: false, detail: `${n} containers, more than maxContainersPerFault ${maxN}`, refused: f.targets.map((t) => t.name) },
  );
  out.push(servicePercentVerdict(cfg, f.targets));
  const inRun = f.activeInRun + 1;
  const maxRun = cfg.maxConcurrentFaultsPerRun;
  out.push(
    maxRun === undefined
      ? { rule: 'max-concurrent-faults-per-run', ok: true, detail: 'no maximum configured' }
      : { rule: 'max-concurrent-faults-per-run', ok: inRun <= maxRun, detail: `${inRun} fault(s) held by this run with this one, at most ${maxRun}` },
  );
  const onEngine = inRun + f.activeElsewhere;
  const maxAll = cfg.maxConcurrentFaults;
  out.push(
    maxAll === undefined
      ? { rule: 'max-concurrent-faults', ok: true, detail: 'no maximum configured' }
      : { rule: 'max-concurrent-faults', ok: onEngine <= maxAll, detail: `${onEngine} fault(s) held on the engine with this one, at most ${maxAll}` },
  );
  return out;
}

function servicePercentVerdict(cfg: GuardrailConfig, targets: TargetFacts[]): GuardrailVerdict {
  const max = cfg.maxServicePercent;
  if (max === undefined) return { rule: 'max-service-percent', ok: true, detail: 'no maximum configured' };
  const groups = new Map<string, { hit: string[]; size: number }>();
  for (const t of targets) {
    const service = serviceOf(t);
    if (service === undefined || t.serviceSize === undefined) continue;
    const key = `${projectOf(t) ?? '-'}/${service}`;
    const g = groups.get(key) ?? { hit: [], size: t.serviceSize };
    g.hit.push(t.name);
    groups.set(key, g);
  }
  const over = [...groups].filter(([, g]) => (g.hit.length / g.size) * 100 > max);
  if (over.length === 0) return { rule: 'max-service-percent', ok: true, detail: `at most ${max}% of any service` };
  return {
    rule: 'max-service-percent',
    ok: false,
    detail: over.map(([k, g]) => `${g.hit.length} of ${g.size} containers of service ${k} (${Math.round((g.hit.length / g.size) * 100)}%)`).join('; ') + `: more than maxServicePercent ${max}%`,
    refused: over.flatMap(([, g]) => g.hit),
  };
}

/** Before one fault's inject: the run's rules again (the config may have changed), then the targets and the blast radius. */
export function decideFault(cfg: GuardrailConfig, scenario: string, f: FaultFacts): Decision {
  const verdicts = [environmentVerdict(cfg, scenario), durationVerdict(cfg, [f.fault])];
  if (!f.host) verdicts.push(...targetVerdicts(cfg, f.targets));
  verdicts.push(...blastVerdicts(cfg, f));
  return decision(verdicts);
}

function decision(verdicts: GuardrailVerdict[]): Decision {
  return { allowed: verdicts.every((v) => v.ok), verdicts };
}

/** The refusals as one message: `guardrail <rule>: <detail>` per refusing rule. */
export function refusalText(verdicts: GuardrailVerdict[]): string {
  return verdicts
    .filter((v) => !v.ok)
    .map((v) => `guardrail ${v.rule}: ${v.detail}`)
    .join('; ');
}
