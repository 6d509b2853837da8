/**
 * `faultline run CHAIN.yaml`: the chain counterpart of run.ts. Check the chain file and everything
 * in it, start the `chain` workflow (with a worker in this process unless --no-worker), print its
 * children as they start and finish, write the chain's artifacts (chain.json and junit.xml, one
 * test case per child, beside the children's own folders), print a summary and exit with the
 * chain outcome's code. Ctrl-C sends `abort`: the chain cancels its children, which restore.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import Docker from 'dockerode';
import { runDir } from '../activities/artifacts/write';
import { loadWorkerPolicy, withComposeRoots, withHostPorts } from '../activities/policy';
import { declaredHostPorts } from '../spec/host-ports';
import { EXIT_CODES } from '../report/journal';
import { formatMs } from '../spec/duration';
import { artifactsRoot, workflowUrl } from '../temporal/config';
import { SA_SCENARIO, TASK_QUEUE } from '../temporal/search-attributes';
import { createWorker } from '../worker/create';
import { installRuntime } from '../worker/runtime';
import type { ChainResult } from '../workflows/chain-children';
import { chainStatusQuery } from '../workflows/chain-messages';
import { abortSignal } from '../workflows/messages';
import { loadChainFile } from './chain-file';
import { checkDocker } from './preflight';
import type { Output } from './output';
import type { RunOptions } from './run';
import { awaitResult, failureText, leftToServer } from './await-result';
import { openSession } from './session';

export async function runChainCommand(file: string, opts: RunOptions, out: Output): Promise<number> {
  const loaded = loadChainFile(file);
  const { chain } = loaded;
  const docker = new Docker();
  if (opts.worker) for (const c of loaded.checked) await checkDocker(docker, c);
  const hostPorts = loaded.checked.flatMap((c) => declaredHostPorts(c.exp));
  const policy = withHostPorts(withComposeRoots(loadWorkerPolicy(opts.workerConfig), loaded.composeDirs), hostPorts);
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
    const workflowId = opts.workflowId ?? `${chain.name}-${stamp()}`;
    const handle = await session.client.workflow.start('chain', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [chain],
      typedSearchAttributes: [{ key: SA_SCENARIO, value: chain.name }],
      staticSummary: `chain ${chain.name}`.slice(0, 200),
    });
    const url = workflowUrl(session.settings, workflowId, handle.firstExecutionRunId);
    out.info(`started chain ${workflowId}${url ? `\nWeb UI: ${url}` : ''}`);

    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        out.info('Ctrl-C: aborting the chain; its running children restore their faults (press Ctrl-C again to leave it to another worker)');
        void handle.signal(abortSignal, 'interrupted from the CLI').catch(() => undefined);
      } else {
        out.info('leaving the chain to another worker; it stays durable in Temporal');
        process.exit(EXIT_CODES.aborted);
      }
    };
    process.on('SIGINT', onSigint);
    const stopProgress = watchChainProgress(handle, out);
    let result: ChainResult;
    try {
      const answer = await awaitResult<ChainResult>(handle, out, { address: session.settings.address });
      if (answer.kind === 'lost') return leftToServer(out, workflowId, url, answer.waitedMs);
      if (answer.kind === 'result') result = answer.value;
      else {
      const cause = failureText(answer.error);
      const now = Date.now();
      result = { workflowId, runId: handle.firstExecutionRunId, name: chain.name, outcome: 'error', children: [], reasons: [`the chain workflow failed: ${cause}`], startedAt: now, finishedAt: now };
      }
    } finally {
      stopProgress(result!);
      process.off('SIGINT', onSigint);
    }
    const dir = await writeChainFiles(artifactsRoot(), result);
    out.result(opts.json ? JSON.stringify({ ...result, artifactsDir: dir }, null, 2) : renderChainSummary(result, dir));
    if (url && !opts.json) out.result(`  Web UI        ${url}`);
    return EXIT_CODES[result.outcome];
  } finally {
    worker?.shutdown();
    await workerRun?.catch(() => undefined);
    await session.close();
  }
}

/**
 * Polls the chain's status query and prints each child when it starts and when it ends; the
 * returned stop prints what the last poll missed from the chain's result.
 */
export function watchChainProgress(handle: WorkflowHandle, out: Output, everyMs = 1000): (final?: ChainResult) => void {
  const seen = new Map<string, string>();
  const t0 = Date.now();
  const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s]`;
  let stopped = false;
  let paused: string | undefined;
  const report = (s: ChainResult) => {
    for (const c of s.children) {
      if (seen.get(c.path) === c.outcome) continue;
      seen.set(c.path, c.outcome);
      out.info(`${stamp()} ${c.path} ${c.outcome === 'running' ? 'started' : c.outcome}: ${c.summary} (${c.workflowId})`);
    }
  };
  const tick = async () => {
    let s: ChainResult & { paused?: string };
    try {
      s = await handle.query(chainStatusQuery);
    } catch {
      return; // no workflow task yet
    }
    report(s);
    if (s.paused !== paused) {
      paused = s.paused;
      out.info(`${stamp()} chain ${paused === undefined ? 'resumed' : `paused: ${paused}`}`);
    }
  };
  const loop = async () => {
    while (!stopped) {
      await tick();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  void loop();
  return (final) => {
    stopped = true;
    if (final) report(final);
  };
}

export function renderChainSummary(r: ChainResult, dir?: string): string {
  const took = r.finishedAt ? ` in ${formatMs(r.finishedAt - r.startedAt)}` : '';
  const lines = [`chain ${r.name}: ${r.outcome.toUpperCase()}${took}`];
  for (const c of r.children) lines.push(`  ${c.outcome.padEnd(8)} ${c.path}  ${c.summary}  (${c.workflowId})`);
  for (const reason of r.reasons) lines.push(`  reason        ${reason}`);
  for (const c of r.children) for (const reason of c.reasons ?? []) if (c.outcome !== 'passed') lines.push(`  ${c.path}: ${reason}`);
  if (dir) lines.push(`  artifacts     ${dir}`);
  return lines.join('\n');
}

/** chain.json (the chain's result) and junit.xml (one test case per child) under the chain's run folder. */
export async function writeChainFiles(root: string, r: ChainResult): Promise<string> {
  const dir = runDir(root, r.workflowId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'chain.json'), JSON.stringify(r, null, 2) + '\n');
  await writeFile(join(dir, 'junit.xml'), chainJUnit(r));
  return dir;
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

function chainJUnit(r: ChainResult): string {
  const failures = r.children.filter((c) => c.outcome !== 'passed').length;
  const cases = r.children.map((c) => {
    const body = c.outcome === 'passed' ? '' : `<failure message="${xml(c.outcome)}">${xml((c.reasons ?? []).join('\n'))}</failure>`;
    return `    <testcase classname="${xml(r.name)}" name="${xml(`${c.path} ${c.summary}`)}">${body}</testcase>`;
  });
  const secs = r.finishedAt ? ((r.finishedAt - r.startedAt) / 1000).toFixed(3) : '0';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(r.name)}" tests="${r.children.length}" failures="${failures}" time="${secs}">`,
    `  <testsuite name="${xml(r.name)}" tests="${r.children.length}" failures="${failures}" time="${secs}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function stamp(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${d}-${randomBytes(2).toString('hex')}`;
}
