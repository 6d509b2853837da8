import { formatDuration } from './duration';
import type { Experiment } from './experiment';
import { describeFault } from './faults';
import {
  WORKFLOW_ID,
  checkLines,
  continuousLines,
  expectationText,
  holdText,
  methodTree,
  plannedFaults,
  restoreOrder,
  steadyStateLines,
  workloadLines,
} from './plan-tree';
import { type PrivilegeOptions, bindLines, helperLines, hostCommandLines, noDeadManLines } from './plan-privileges';
import { describeProbe } from './probes';
import { isFault, isWait, walkSteps } from './steps';
import { safetyLines } from './safety';
import { describeTarget } from './target';
import { type HostPorts, declaredHostPorts, portAllowed } from './host-ports';

/**
 * What an experiment will do, resolved (defaults applied, probe references expanded), without
 * touching anything: `faultline plan` prints it, and the workflow carries a summary and details of
 * it so the Temporal UI shows what a run is about.
 */
export interface PlanOptions extends PrivilegeOptions {
  /** The compose services the stack's profiles select, when the caller has read the compose file. */
  services?: string[];
  /** An attached stack's containers as they are now (one line each), when the caller looked. */
  attached?: string[];
  /** The host ports a worker policy allows, when the caller read one (`faultline plan --worker-config`). */
  hostPorts?: HostPorts;
}

export function renderPlan(exp: Experiment, opts: PlanOptions = {}): string {
  const out: string[] = [`experiment  ${exp.name}`, `hypothesis  ${exp.hypothesis}`];
  if (exp.description) out.push(`description ${exp.description}`);
  if (exp.tags.length) out.push(`tags        ${exp.tags.join(', ')}`);
  const section = (title: string, lines: string[], empty?: string) => {
    if (lines.length === 0 && empty === undefined) return;
    out.push('', title, ...(lines.length ? lines.map((l) => `  ${l}`) : [`  ${empty}`]));
  };

  section('stack', stackLines(exp, opts), 'none: fault targets are looked up across the Docker engine by container name or labels');
  if (exp.stack?.compose !== undefined && opts.binds) section('bind mounts (host folder → container, each shared with the container)', bindLines(opts.binds), 'none');
  section(
    'probes',
    Object.entries(exp.probes).map(([id, p]) => `${id}: ${describeProbe(p)}, timeout ${formatDuration(p.timeout)}, ${expectationText(exp, id)}`),
  );
  section('steady state (before any fault; a deviation ends the run as failed)', steadyStateLines(exp), 'none');
  section('continuous probes (from the method until recovery is measured)', continuousLines(exp));
  section('workloads (from stack up until recovery is measured; each operation recorded)', workloadLines(exp));
  out.push('', 'method');
  out.push(...methodTree(exp));

  const { atRestorePhase, timed } = restoreOrder(exp);
  const restore = atRestorePhase.map((f, i) => `${i + 1}. ${f.faultId}  ${f.description}`);
  if (atRestorePhase.some((f) => f.inParallel)) {
    restore.push('faults of a parallel block are restored in the reverse of the order they were actually injected');
  }
  restore.push(...timed.map((f) => `${f.faultId}  ${f.description}: restored after ${formatDuration(f.duration ?? 0)}, or here if the run stops first`));
  section('restore phase (always runs, non-cancellable, newest fault first)', restore);
  section('safety net (dead-man switch and target leases, docs/operations.md)', safetyLines(exp, WORKFLOW_ID));
  section('host commands (run on the worker host, as the worker)', hostCommandLines(exp.method, opts), 'none');
  section('host ports (loopback ports reached as host:port or URL, outside the stack)', hostPortLines(exp, opts));
  section('privileged helpers (started by the faults)', helperLines(exp.method), 'none');
  section('without a dead-man switch', noDeadManLines(exp.method));

  const rollbacks = exp.rollbacks.map((r, i) => `${i + 1}. ${r.action} ${describeTarget(r.target)}`);
  if (rollbacks.length && !exp.stack) rollbacks.push('skipped: rollbacks only run when the experiment has a stack');
  section('rollbacks (after the restores, whatever happened)', rollbacks);
  section('checks (after the restores, if the method ran)', checkLines(exp));
  const end = !exp.stack ? 'no stack to tear down: the containers found are left as they were' : exp.stack.attach ? 'attached stack left running' : exp.stack.keep ? 'stack kept running' : 'stack teardown';
  out.push('', `then: residue scan of every fault, journal and artifacts, ${end}`);
  return out.join('\n') + '\n';
}

function hostPortLines(exp: Experiment, opts: PlanOptions): string[] {
  return declaredHostPorts(exp).map((port) => {
    const verdict =
      opts.hostPorts === undefined
        ? 'faultline run allows it for its own worker; a standalone worker only if its policy lists it (probes.hostPorts)'
        : portAllowed(port, opts.hostPorts)
          ? 'allowed by the worker policy'
          : "refused by this worker policy unless the stack publishes it (faultline run allows it for its own worker)";
    return `${port}: ${verdict}`;
  });
}

function stackLines(exp: Experiment, opts: PlanOptions): string[] {
  const s = exp.stack;
  if (!s) return [];
  if (s.attach) {
    return [
      `attach    compose project ${s.attach.project}, already running (started by any compose tool); targets are resolved among its containers at run time`,
      ...(opts.attached ? opts.attached.map((l) => `          ${l}`) : []),
      'teardown  never: Faultline does not start, stop or remove an attached stack; it only restores its own faults',
    ];
  }
  return [
    `compose   ${s.compose}`,
    `profiles  ${s.profiles.length ? s.profiles.join(', ') : 'none (only services without a profile)'}`,
    ...(opts.services ? [`services  ${opts.services.join(', ') || 'none'}`] : []),
    `project   ${s.project ?? `derived from the workflow id (fl-${WORKFLOW_ID})`}`,
    `health    wait up to ${formatDuration(s.healthTimeout)} for services to be healthy`,
    ...(s.share ? ['share     yes: runs on the project even if another run started it; then only what this run adds is removed'] : []),
    `teardown  ${s.keep ? 'no: the stack is kept after the run' : 'yes, after the run'}`,
  ];
}

const SUMMARY_MAX_BYTES = 200;
const DETAILS_MAX_BYTES = 20 * 1024;

/** One line for the workflow list: the name and the method in short. */
export function planSummary(exp: Experiment): string {
  const steps: string[] = [];
  walkSteps(exp.method, (s) => {
    if (isFault(s)) steps.push(describeFault(s.fault) + (s.duration !== undefined ? ` for ${formatDuration(s.duration)}` : ''));
    else if (isWait(s)) steps.push(`wait ${formatDuration(s.wait)}`);
  });
  const checks = exp.checks.length ? ` | ${exp.checks.length} check${exp.checks.length > 1 ? 's' : ''}` : '';
  return truncateBytes(`${exp.name}: ${steps.join('; ')}${checks}`.replace(/\s+/g, ' '), SUMMARY_MAX_BYTES);
}

function stackDetail(exp: Experiment): string {
  const s = exp.stack;
  if (!s) return '**stack** none';
  if (s.attach) return `**stack** attached to running project \`${s.attach.project}\` (never torn down)`;
  return `**stack** \`${s.compose}\`${s.profiles.length ? ` profiles ${s.profiles.join(', ')}` : ''}`;
}

/** Markdown for the workflow's detail page: the hypothesis, the method tree and what gets restored. */
export function planDetails(exp: Experiment): string {
  const faults = plannedFaults(exp);
  const md = [
    `**hypothesis** ${exp.hypothesis}`,
    '',
    stackDetail(exp),
    '',
    '**faults**',
    ...faults.map((f) => `- \`${f.path}\` ${f.description}: ${holdText(f.duration)}`),
    '',
    '**method**',
    '```',
    ...methodTree(exp),
    '```',
  ];
  const checks = checkLines(exp);
  if (checks.length) md.push('', '**checks**', ...checks.map((c) => `- ${c}`));
  const host = hostCommandLines(exp.method);
  if (host.length) md.push('', '**host commands**', ...host.map((l) => `- ${l}`));
  const helpers = helperLines(exp.method);
  if (helpers.length) md.push('', '**privileged helpers**', ...helpers.map((l) => `- ${l}`));
  const bare = noDeadManLines(exp.method);
  if (bare.length) md.push('', '**no dead-man switch**', ...bare.map((l) => `- ${l}`));
  return truncateBytes(md.join('\n'), DETAILS_MAX_BYTES);
}

/**
 * Cuts at a character boundary so the result is at most `max` bytes of UTF-8. Counted by hand
 * because Buffer is not available in the workflow sandbox, which imports src/spec.
 */
export function truncateBytes(text: string, max: number): string {
  const ELLIPSIS = '…';
  if (utf8Length(text) <= max) return text;
  let out = '';
  let bytes = utf8Length(ELLIPSIS);
  for (const ch of text) {
    bytes += utf8Length(ch);
    if (bytes > max) break;
    out += ch;
  }
  return out + ELLIPSIS;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}
