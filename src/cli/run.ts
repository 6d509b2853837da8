/**
 * `faultline run FILE`: check the scenario, connect to Temporal (or start a dev server), run a
 * worker in this process, start the `experiment` workflow, show progress, print the journal and
 * exit with the outcome's code. Ctrl-C sends `abort`, so the run still restores before exiting.
 */
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import Docker from 'dockerode';
import { writeJournalFiles } from '../activities/artifacts/write';
import { loadWorkerPolicy, withComposeRoots, withHostPorts } from '../activities/policy';
import { declaredHostPorts } from '../spec/host-ports';
import { renderSummary } from '../report/console';
import { EXIT_CODES, EXIT_INVALID_INPUT, type Journal, emptyJournal } from '../report/journal';
import { planDetails, planSummary } from '../spec/plan';
import { artifactsRoot, workflowUrl } from '../temporal/config';
import { SA_SCENARIO, TASK_QUEUE } from '../temporal/search-attributes';
import { createWorker } from '../worker/create';
import { installRuntime } from '../worker/runtime';
import { abortSignal } from '../workflows/messages';
import { checkDocker, checkScenario } from './preflight';
import { policyWithFlags, refuseEarly, refusalOf } from './guardrails';
import type { Output } from './output';
import { watchProgress } from './progress';
import { awaitResult, failureText, leftToServer } from './await-result';
import { openSession } from './session';
import { isChainFile } from './chain-file';
import { runChainCommand } from './run-chain';

export interface RunOptions {
  worker: boolean;
  workflowId?: string;
  json?: boolean;
  /** The in-process worker's policy file (else FAULTLINE_WORKER_CONFIG, else FAULTLINE_CONFIG). */
  workerConfig?: string;
  /** Chaos enabled on the in-process worker: faults may touch containers Faultline did not start. */
  enableChaos?: boolean;
}

export async function runCommand(file: string, opts: RunOptions, out: Output): Promise<number> {
  // A file with top-level `steps:` (and no `method:`) is a chain: see run-chain.ts.
  if (isChainFile(file)) return runChainCommand(file, opts, out);
  const checked = checkScenario(file);
  const docker = new Docker();
  if (opts.worker) await checkDocker(docker, checked);
  const { exp } = checked;
  // The in-process worker reads this scenario's own compose file, wherever it lies, and reaches the
  // host ports its probes name (a standalone worker allows only what its operator configured).
  const base = withComposeRoots(loadWorkerPolicy(opts.workerConfig), exp.stack?.compose !== undefined ? [dirname(resolve(exp.stack.compose))] : []);
  const policy = policyWithFlags(withHostPorts(base, declaredHostPorts(exp)), opts);
  // The in-process worker would refuse it before the stack: say so before anything starts.
  if (opts.worker) refuseEarly(policy, exp);
  installRuntime();
  const session = await openSession(out, { startServer: true });
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  try {
    if (opts.worker) {
      out.info('starting a worker on task queue "faultline"');
      const connection = await NativeConnection.connect({ address: session.settings.address });
      worker = await createWorker({ connection, namespace: session.settings.namespace, artifactsRoot: artifactsRoot(), docker, policy });
      workerRun = worker.run().finally(() => connection.close());
    }
    const workflowId = opts.workflowId ?? `${exp.name}-${stamp()}`;
    const handle = await session.client.workflow.start('experiment', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [exp],
      typedSearchAttributes: [{ key: SA_SCENARIO, value: exp.name }],
      staticSummary: planSummary(exp),
      staticDetails: planDetails(exp),
    });
    const url = workflowUrl(session.settings, workflowId, handle.firstExecutionRunId);
    out.info(`started ${workflowId}${url ? `\nWeb UI: ${url}` : ''}`);

    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        out.info('Ctrl-C: aborting the run; faults are being restored (press Ctrl-C again to leave it to another worker)');
        void handle.signal(abortSignal, 'interrupted from the CLI').catch(() => undefined);
      } else {
        out.info('leaving the run to another worker; it stays durable in Temporal');
        process.exit(EXIT_CODES.aborted);
      }
    };
    process.on('SIGINT', onSigint);
    const stopProgress = watchProgress(handle, out);
    let journal: Journal;
    try {
      const answer = await awaitResult<Journal>(handle, out, { address: session.settings.address });
      if (answer.kind === 'lost') return leftToServer(out, workflowId, url, answer.waitedMs);
      if (answer.kind === 'result') journal = answer.value;
      else {
        // The run closed without a journal (terminated, timed out, failed): the CLI writes one that says so.
        journal = errorJournal(exp.name, exp.hypothesis, workflowId, handle.firstExecutionRunId, answer.error);
        await writeJournalFiles(artifactsRoot(), workflowId, journal).then((r) => (journal.artifactsDir = r.dir));
      }
    } finally {
      stopProgress();
      process.off('SIGINT', onSigint);
    }
    out.result(opts.json ? JSON.stringify(journal, null, 2) : renderSummary(journal));
    if (url && !opts.json) out.result(`  Web UI        ${url}`);
    const refused = refusalOf(journal);
    if (refused) {
      out.info(`error: refused by the worker's guardrails (a refused fault is neither leased nor injected)\n${refused}`);
      return EXIT_INVALID_INPUT;
    }
    return EXIT_CODES[journal.outcome];
  } finally {
    worker?.shutdown();
    await workerRun?.catch(() => undefined);
    await session.close();
  }
}

function stamp(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${d}-${randomBytes(2).toString('hex')}`;
}

function errorJournal(experiment: string, hypothesis: string, workflowId: string, runId: string, err: Error): Journal {
  const cause = failureText(err);
  const now = Date.now();
  const journal = emptyJournal({ workflowId, runId, experiment, hypothesis, startedAt: now, outcome: 'error' });
  journal.finishedAt = now;
  journal.reasons.push(`the workflow failed: ${cause}`);
  return journal;
}
