import { type Duration, formatDuration } from './duration';
import { type Expectation, describeExpectation } from './expect';
import { type Experiment, continuousId, probeLabel, resolveProbe } from './experiment';
import { describeFault } from './faults';
import type { ProbeRef } from './probes';
import { describeWorkload } from './workloads';
import { type Step, isFault, isParallel, isProbe, isSerial, isWait, walkSteps } from './steps';

/**
 * The method as the workflow will run it, for `faultline plan` and the workflow's static details.
 * Fault ids are shown as templates: the workflow id is only known when the run starts.
 */
export const WORKFLOW_ID = '<workflowId>';

export interface PlannedFault {
  path: string;
  faultId: string;
  description: string;
  duration?: Duration;
  inParallel: boolean;
}


/** The expectation a probe is judged by: the step's own, else the probe's, else the kind's default check. */
export function expectationText(exp: Experiment, ref: ProbeRef, override?: Expectation): string {
  const e = override ?? resolveProbe(exp, ref).expect;
  return e ? `expect ${describeExpectation(e)}` : 'default check';
}

export function holdText(duration: Duration | undefined): string {
  return duration === undefined ? 'held until the restore phase' : `held for ${formatDuration(duration)}, then restored`;
}

/** One line per step, indented by depth; faults get a second line with how long they last and their id. */
export function methodTree(exp: Experiment, indent = '  '): string[] {
  const lines: string[] = [];
  const visit = (steps: Step[], prefix: string, depth: number) => {
    steps.forEach((s, i) => {
      const path = `${prefix}[${i}]`;
      const pad = indent.repeat(depth + 1);
      const id = s.id ? `  (step ${s.id})` : '';
      if (isFault(s)) {
        lines.push(`${pad}[${i}] fault ${describeFault(s.fault)}${id}`);
        lines.push(`${pad}      ${holdText(s.duration)}; fault id ${WORKFLOW_ID}/${path}`);
      } else if (isWait(s)) {
        lines.push(`${pad}[${i}] wait ${formatDuration(s.wait)}${id}`);
      } else if (isProbe(s)) {
        lines.push(`${pad}[${i}] probe ${probeLabel(s.probe)}: ${expectationText(exp, s.probe, s.expect)}${id}`);
      } else if (isSerial(s)) {
        lines.push(`${pad}[${i}] serial: one after another${id}`);
        visit(s.serial, `${path}.serial`, depth + 1);
      } else if (isParallel(s)) {
        lines.push(`${pad}[${i}] parallel: all at once, a failing branch cancels the others${id}`);
        visit(s.parallel, `${path}.parallel`, depth + 1);
      }
    });
  };
  visit(exp.method, 'method', 0);
  return lines;
}

/** Every fault in the order the method reaches it. */
export function plannedFaults(exp: Experiment): PlannedFault[] {
  const out: PlannedFault[] = [];
  walkSteps(exp.method, (s, path) => {
    if (!isFault(s)) return;
    out.push({
      path,
      faultId: `${WORKFLOW_ID}/${path}`,
      description: describeFault(s.fault),
      duration: s.duration,
      inParallel: path.includes('.parallel['),
    });
  });
  return out;
}

/**
 * The saga's restore order: the compensation stack, newest first. A fault with a duration is
 * restored when its duration ends, so it is only left for the restore phase if the run stops early.
 */
export function restoreOrder(exp: Experiment): { atRestorePhase: PlannedFault[]; timed: PlannedFault[] } {
  const all = plannedFaults(exp);
  return {
    atRestorePhase: all.filter((f) => f.duration === undefined).reverse(),
    timed: all.filter((f) => f.duration !== undefined),
  };
}

/** `faultline plan` and the static details show the same steady state, continuous and check lines. */
export function steadyStateLines(exp: Experiment): string[] {
  return exp.steadyState.map((s, i) => `${i + 1}. ${probeLabel(s.probe)}: ${expectationText(exp, s.probe, s.expect)}`);
}

export function continuousLines(exp: Experiment): string[] {
  return exp.continuous.map((c, i) => {
    // The same id the workflow gives the series in the journal.
    const id = continuousId(c, i);
    const label = probeLabel(c.probe);
    const head = id === label ? label : `${id}: ${label}`;
    const stop = c.abortOnFail ? `; STOP CONDITION: ${c.failuresToAbort} failed in a row during chaos aborts the run` : '';
    return `${head} every ${formatDuration(c.every)}, ${expectationText(exp, c.probe)}${stop}`;
  });
}

export function checkLines(exp: Experiment): string[] {
  return exp.checks.map((c, i) => {
    const id = c.id ?? `${c.kind}-${i}`;
    switch (c.kind) {
      case 'time-to-green':
        return (
          `${id}: time-to-green ${probeLabel(c.probe)} passes ${c.consecutive}x in a row ` +
          `(one try every ${formatDuration(c.interval)}) within ${formatDuration(c.within)} of the last restore`
        );
      case 'drained':
        return `${id}: drained ${probeLabel(c.probe)} reaches ${describeExpectation(c.expect)} within ${formatDuration(c.within)} of the workloads stopping`;
      case 'no-loss': {
        const from = 'workload' in c.consumed ? `workload ${c.consumed.workload}` : `JetStream stream ${c.consumed.jetstream.stream}`;
        return `${id}: no-loss: every operation ${c.produced} saw acknowledged is in ${from}, none twice`;
      }
      case 'fail-closed':
        return `${id}: fail-closed: no request of ${c.workload} started inside a fault window is allowed (${c.allow.join(', ')})`;
      case 'success-rate':
        return `${id}: success-rate of ${c.workload} ${c.window === 'all' ? 'over the run' : c.window === 'before' ? 'before the first fault' : `from ${formatDuration(c.settle)} after the last restore (for at least ${formatDuration(c.for)})`} >= ${c.min * 100}%`;
      case 'latency': {
        const bounds = [c.gt !== undefined ? `> ${formatDuration(c.gt)}` : '', c.lt !== undefined ? `< ${formatDuration(c.lt)}` : ''].filter(Boolean).join(' and ');
        const window = c.window === 'during' ? 'during the faults' : c.window === 'before' ? 'before the first fault' : `from ${formatDuration(c.settle)} after the last restore`;
        return `${id}: latency p${c.percentile} of ${c.workload} ${window} ${bounds}`;
      }
    }
  });
}

export function workloadLines(exp: Experiment): string[] {
  return exp.workloads.map(describeWorkload);
}
