/**
 * The `chain` workflow: experiments and faults in serial, parallel and nested blocks, each one a
 * child `experiment` workflow (its own saga, journal and Web UI page). With `sharedStack` the chain
 * starts one stack, every child runs on it and leaves it up, and the chain tears it down at the end.
 * The first child that does not pass stops the chain (its running siblings are cancelled, which
 * restores their faults) unless `continueOnFailure` is set.
 */
import {
  CancellationScope,
  ParentClosePolicy,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Journal, Outcome } from '../report/journal';
import { type Chain, type ChainStep, parseChain } from '../spec/chain';
import { toMs } from '../spec/duration';
import { SA_OUTCOME, SA_PHASE, SA_SCENARIO } from '../temporal/search-attributes';
import { long, summary } from './proxies';
import { type ChainChild, type ChainFacts, type ChainResult, chainOutcome, childInput, stopText } from './chain-children';
import { ownerOf, projectName } from './experiment';
import { stackProject } from '../spec/experiment';
import { abortSignal, pauseSignal, resumeSignal } from './messages';
import { chainStatusQuery } from './chain-messages';
import { errorText } from '../errors';
import { parseOrFail } from './invalid-input';

export async function chain(input: unknown): Promise<ChainResult> {
  const spec = parse(input);
  const info = workflowInfo();
  const project = spec.sharedStack ? stackProject(spec.sharedStack, projectName(info.workflowId)) : undefined;
  // The chain owns the shared stack it starts, and its children share it (stack.share). An attached
  // shared stack is neither started nor torn down. Chains recorded before stacks had owners replay without.
  const starts = spec.sharedStack?.compose !== undefined;
  const owner = starts && patched('stack-owner') ? ownerOf(info) : undefined;
  const result: ChainResult = { workflowId: info.workflowId, runId: info.runId, name: spec.name, outcome: 'passed', children: [], reasons: [], startedAt: Date.now() };
  const main = new CancellationScope();
  const facts: ChainFacts = {};
  const stop = (why: NonNullable<ChainFacts['stop']>): void => {
    facts.stop ??= why;
    main.cancel();
  };
  setHandler(abortSignal, (reason) => stop({ kind: 'aborted', reason: reason || 'abort requested' }));
  // Pause and resume reach the running children; while paused no new child starts (the chain's own
  // waits keep counting). Chains recorded before this forwarding existed ignored these signals.
  let paused: string | undefined;
  const forward = (send: (id: string) => Promise<void>) => {
    for (const c of result.children) if (c.outcome === 'running') void send(c.workflowId).catch(() => undefined); // a child that just closed needs nothing
  };
  setHandler(pauseSignal, (reason) => {
    if (!patched('chain-forward-pause-resume')) return;
    paused = reason || 'paused';
    forward((id) => getExternalWorkflowHandle(id).signal(pauseSignal, reason));
  });
  setHandler(resumeSignal, () => {
    if (!patched('chain-forward-pause-resume')) return;
    paused = undefined;
    forward((id) => getExternalWorkflowHandle(id).signal(resumeSignal));
  });
  setHandler(chainStatusQuery, () => ({ ...result, stopReason: facts.stop && stopText(facts.stop), ...(paused !== undefined ? { paused } : {}) }));
  upsertSearchAttributes([{ key: SA_SCENARIO, value: spec.name }, { key: SA_PHASE, value: 'chain' }]);

  const runChild = async (step: ChainStep, path: string): Promise<void> => {
    if (facts.stop) return; // stopped: children not yet started never start
    if (paused !== undefined) await condition(() => paused === undefined || facts.stop !== undefined);
    if (facts.stop) return;
    const { type, args, summary: text } = childInput(spec, step, path, project, owner !== undefined);
    const child: ChainChild = { path, type, workflowId: `${info.workflowId}/${path}`, summary: text, outcome: 'running' };
    result.children.push(child);
    try {
      const journal: Journal = await executeChild(type, {
        args,
        workflowId: child.workflowId,
        // If the chain closes first (a timeout, a terminate), its children are asked to cancel: that restores.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: text,
      });
      child.outcome = journal.outcome;
      child.reasons = journal.reasons;
    } catch (err) {
      // A child cancelled with the chain ended aborted; one that failed outright could not run.
      child.outcome = isCancellation(err) ? 'aborted' : 'error';
      child.reasons = [errorText(err)];
      if (isCancellation(err)) throw err;
    }
    if (child.outcome !== 'passed' && !spec.continueOnFailure) stop({ kind: 'stopped', path, outcome: child.outcome });
  };

  const runStep = async (step: ChainStep, path: string): Promise<void> => {
    if ('serial' in step) {
      for (let i = 0; i < step.serial.length; i++) await runStep(step.serial[i], `${path}.serial[${i}]`);
    } else if ('parallel' in step) {
      // allSettled: every sibling must have finished its own cleanup before the chain moves on.
      const settled = await Promise.allSettled(step.parallel.map((s, i) => runStep(s, `${path}.parallel[${i}]`)));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } else if ('wait' in step) {
      await sleep(toMs(step.wait));
    } else {
      await runChild(step, path);
    }
  };

  try {
    await main.run(async () => {
      if (spec.sharedStack && starts && project) {
        await long.stackUp.executeWithOptions(summary(`shared stack up (${project})`), [{ stack: spec.sharedStack, project, ...(owner ? { owner } : {}) }]);
      }
      for (let i = 0; i < spec.steps.length; i++) await runStep(spec.steps[i], `steps[${i}]`);
    });
  } catch (err) {
    if (!isCancellation(err)) {
      facts.error = errorText(err);
      result.reasons.push(`error: ${facts.error}`);
    }
  }
  await CancellationScope.nonCancellable(async () => {
    if (spec.sharedStack && starts && project && !spec.sharedStack.keep) {
      try {
        await long.stackDown.executeWithOptions(summary(`shared stack down (${project})`), [{ project, ...(owner ? { owner } : {}) }]);
      } catch (err) {
        result.reasons.push(`shared stack teardown failed: ${errorText(err)}`);
        facts.teardownFailed = true;
      }
    }
  });
  if (facts.stop) result.reasons.unshift(stopText(facts.stop));
  result.outcome = chainOutcome(result.children.map((c) => c.outcome), facts);
  result.finishedAt = Date.now();
  upsertSearchAttributes([{ key: SA_OUTCOME, value: result.outcome }, { key: SA_PHASE, value: 'done' }]);
  return result;
}

function parse(input: unknown): Chain {
  return parseOrFail('chain', () => parseChain(input, 'workflow input'));
}

export type { ChainResult, Outcome };
