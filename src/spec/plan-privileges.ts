/**
 * The plan's account of what a run may do with privilege, so `faultline plan` and the workflow's
 * details tell the truth: every host command it may execute, every bind mount of the stack, the
 * privileged helpers it will start, and which faults have no dead-man switch. Helpers and switches
 * are read from each kind's declaration (capabilities), not restated here.
 */
import { FAULT_DECLARATION_LIST, type FaultKind, type FaultSpec, describeFault } from './faults';
import { describeProcess } from './faults/process';
import { type Step, isFault, isParallel, isSerial } from './steps';

export interface BindLine {
  service: string;
  source: string;
  target: string;
  readOnly: boolean;
}

export interface PrivilegeOptions {
  /** The stack's bind mounts, when the caller has read the compose file. */
  binds?: BindLine[];
  /** The worker policy's restart commands, when the caller knows the policy (else they are named only). */
  restarts?: Record<string, string[]>;
}

const declarationOf = (kind: FaultKind) => FAULT_DECLARATION_LIST.find((d) => d.kind === kind);

export function faultsOf(method: Step[]): Array<{ path: string; fault: FaultSpec }> {
  const out: Array<{ path: string; fault: FaultSpec }> = [];
  const visit = (steps: Step[], prefix: string) =>
    steps.forEach((s, i) => {
      const path = `${prefix}[${i}]`;
      if (isSerial(s)) visit(s.serial, `${path}.serial`);
      if (isParallel(s)) visit(s.parallel, `${path}.parallel`);
      if (isFault(s)) out.push({ path, fault: s.fault });
    });
  visit(method, 'method');
  return out;
}

/** True when the kind's declaration promises a reverter at the target (the dead-man switch). */
export function hasDeadManSwitch(kind: FaultKind): boolean {
  return declarationOf(kind)?.capabilities.selfRevert === true;
}

/** Host commands: the signals host faults send and the restart each may run. */
export function hostCommandLines(method: Step[], opts: PrivilegeOptions = {}): string[] {
  return faultsOf(method).flatMap(({ path, fault }) => {
    if (fault.kind !== 'process-kill') return [];
    const name = fault.restart ?? fault.process.name;
    const argv = name !== undefined ? opts.restarts?.[name] : undefined;
    const restart =
      argv !== undefined
        ? `restart: ${argv.join(' ')}`
        : name !== undefined && opts.restarts === undefined
          ? `restart: the worker policy's command "${name}", if it has one; else none: cannot be restarted`
          : 'restart: none: cannot be restarted';
    return [`${path}  ${fault.signal} to host ${describeProcess(fault.process)} (only on a worker whose policy allows it); ${restart}`];
  });
}

/** The helper containers with privilege each fault starts, from its kind's declared ports. */
export function helperLines(method: Step[]): string[] {
  return faultsOf(method).flatMap(({ path, fault }) => {
    const d = declarationOf(fault.kind);
    if (!d?.capabilities.selfRevert) return [];
    const ports: readonly string[] = d.capabilities.ports;
    const helper = ports.includes('net')
      ? "a dead-man reverter with NET_ADMIN in the target's network namespace"
      : 'a dead-man reverter with the Docker socket (network none)';
    return [`${path}  ${describeFault(fault)}: ${helper}`];
  });
}

/** Faults nothing at the target undoes if the worker and the janitor are gone. */
export function noDeadManLines(method: Step[]): string[] {
  return faultsOf(method)
    .filter(({ fault }) => !hasDeadManSwitch(fault.kind))
    .map(({ path, fault }) => `${path}  ${describeFault(fault)}: NO dead-man switch; only a worker's restore undoes it, and if every worker is gone it stays`);
}

export function bindLines(binds: BindLine[] | undefined): string[] {
  return (binds ?? []).map((b) => `${b.service}: ${b.source} → ${b.target} (${b.readOnly ? 'ro' : 'rw'})`);
}
