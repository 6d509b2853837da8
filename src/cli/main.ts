/**
 * The `faultline` command. Each subcommand lives in its own file; this one wires them to commander
 * and is the single place errors are turned into messages and exit codes.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { FaultlineError, GUARDRAIL_REFUSED, ValidationError } from '../errors';
import { EXIT_CODES, EXIT_INVALID_INPUT } from '../report/journal';
import { chainJsonSchema, experimentJsonSchema } from '../spec/jsonschema';
import { loadWorkerPolicy } from '../activities/policy';
import { renderPlan } from '../spec/plan';
import { stopDevServer } from '../temporal/dev-server';
import { consoleOutput } from './output';
import { bindsOf, checkScenario, attachedLines } from './preflight';
import { runCommand } from './run';
import { statusCommand } from './status';
import { abortAllCommand, abortCommand } from './abort';
import { controlCommand } from './control';
import { type ScheduleCreateOptions, scheduleCreate, scheduleDelete, scheduleList } from './schedule';
import { workerCommand } from './worker';
import { codecServerCommand } from './codec-server';
import { planOrValidateChain } from './chain-commands';
import { guardrailPreview, policyWithFlags, reachableDocker } from './guardrails';


export async function main(argv: string[]): Promise<number> {
  const out = consoleOutput();
  let code = 0;
  const program = new Command()
    .name('faultline')
    .description('Durable chaos experiments on Temporal: every fault is restored, even if the worker dies.')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('run')
    .argument('<file>', 'scenario or chain file (YAML; a chain has top-level `steps:`)')
    .description('run an experiment or a chain end to end and exit with its outcome (0 passed, 1 failed, 2 aborted, 3 error, 4 dirty, 64 bad input)')
    .option('--no-worker', 'do not run a worker in this process (use one started with `faultline worker`)')
    .option('--workflow-id <id>', 'workflow id to use instead of <name>-<timestamp>')
    .option('--json', 'print the journal as JSON instead of a summary')
    .option('--worker-config <file>', "the in-process worker's policy and guardrails (YAML/JSON; default FAULTLINE_WORKER_CONFIG, then FAULTLINE_CONFIG; see docs/guardrails.md)")
    .option('--config <file>', 'the same as --worker-config')
    .option('--enable-chaos', "let the in-process worker's faults touch containers Faultline did not start (like FAULTLINE_CHAOS_ENABLED=true)")
    .action(async (file: string, o: { worker: boolean; workflowId?: string; json?: boolean; workerConfig?: string; config?: string; enableChaos?: boolean }) => {
      code = await runCommand(file, { ...o, workerConfig: o.workerConfig ?? o.config }, out);
    });
  program
    .command('plan')
    .argument('<file>', 'scenario or chain file (YAML)')
    .description('validate a scenario or a chain and print its resolved plan; touches nothing')
    .option('--worker-config <file>', "judge the guardrails and show the restart commands and allowed host ports of this worker policy (default FAULTLINE_WORKER_CONFIG, then FAULTLINE_CONFIG)")
    .option('--config <file>', 'the same as --worker-config')
    .option('--enable-chaos', 'preview as `faultline run --enable-chaos` would run')
    .action(async (file: string, o: { workerConfig?: string; config?: string; enableChaos?: boolean }) => {
      if (planOrValidateChain('plan', file, out)) return;
      const checked = checkScenario(file);
      const path = o.workerConfig ?? o.config;
      const named = path || process.env.FAULTLINE_WORKER_CONFIG || process.env.FAULTLINE_CONFIG;
      const policy = policyWithFlags(loadWorkerPolicy(path), { enableChaos: o.enableChaos, worker: true });
      const attached = await attachedLines(checked);
      out.result(renderPlan(checked.exp, { services: checked.services, binds: bindsOf(checked), restarts: named ? policy.hostFaults.restarts : undefined, hostPorts: named ? policy.probes.hostPorts : undefined, attached }));
      out.result(await guardrailPreview(await reachableDocker(), policy, checked.exp, named ? `worker config ${named}` : 'no worker config'));
    });
  program
    .command('validate')
    .argument('<file>', 'scenario or chain file (YAML)')
    .description('check a scenario or a chain file (and the files and stacks it names); exit 0 when valid, 64 with every problem otherwise; touches nothing')
    .action((file: string) => {
      if (planOrValidateChain('validate', file, out)) return;
      const checked = checkScenario(file);
      out.result(`${file}: valid scenario ${checked.exp.name}`);
    });
  program
    .command('worker')
    .description('run a worker on the "faultline" task queue until SIGINT/SIGTERM')
    .option('--identity <name>', 'worker identity shown in the Web UI')
    .option('--no-janitor', 'do not create the janitor schedule')
    .option('--janitor-every <duration>', 'how often the janitor schedule sweeps (when this worker creates it)', '30s')
    .option('--config <file>', "the worker's policy: host faults, restart commands, compose roots (YAML/JSON; default FAULTLINE_WORKER_CONFIG; see docs/security.md)")
    .action(async (o: { identity?: string; janitor: boolean; janitorEvery: string; config?: string }) => {
      code = await workerCommand(o, out);
    });
  program
    .command('status')
    .argument('<workflowId>')
    .option('--json', 'print JSON')
    .description('show the phase, active faults and last probe results of a run')
    .action(async (id: string, o: { json?: boolean }) => {
      code = await statusCommand(id, o, out);
    });
  program
    .command('abort')
    .argument('[workflowId]')
    .option('--all', 'the kill switch: abort every running Faultline run (experiments, scenario types, chains)')
    .option('--reason <text>', 'why, recorded in the journal')
    .description('abort a run (or all runs); faults are restored before each run ends')
    .action(async (id: string | undefined, o: { reason?: string; all?: boolean }) => {
      if (!id === !o.all) throw new FaultlineError('BadUsage', 'give a workflow id or --all', { retryable: false });
      code = o.all ? await abortAllCommand(o, out) : await abortCommand(id!, o, out);
    });
  program
    .command('pause')
    .argument('<workflowId>')
    .option('--reason <text>', 'why, recorded in the journal')
    .description('hold a run: open waits and fault windows stop counting, no new step starts; faults stay injected')
    .action(async (id: string, o: { reason?: string }) => {
      code = await controlCommand('pause', id, o.reason, out);
    });
  program
    .command('resume')
    .argument('<workflowId>')
    .description('continue a paused run; each window gets the time it had left')
    .action(async (id: string) => {
      code = await controlCommand('resume', id, undefined, out);
    });
  program
    .command('extend')
    .argument('<workflowId>')
    .argument('<duration>', 'e.g. 30s, 2m (at most 1h at a time)')
    .description('add time to every open wait and fault window of a run')
    .action(async (id: string, by: string) => {
      code = await controlCommand('extend', id, by, out);
    });
  const schedule = program.command('schedule').description('Temporal schedules for game days (overlap policy SKIP)');
  schedule
    .command('create')
    .argument('[file]', 'scenario file (YAML); or use --type')
    .requiredOption('--id <scheduleId>', 'schedule id (also the prefix of the runs\' workflow ids)')
    .option('--cron <expr>', 'cron expression, e.g. "0 10 * * 2"')
    .option('--every <interval>', 'interval, e.g. 1h, 30m')
    .option('--type <workflowType>', 'a named scenario type instead of a file, e.g. natsKillRecovery')
    .option('--paused', 'create it paused')
    .option('--note <text>', 'note shown with the schedule')
    .action(async (file: string | undefined, o: ScheduleCreateOptions) => {
      code = await scheduleCreate(file, o, out);
    });
  schedule.command('list').action(async () => {
    code = await scheduleList(out);
  });
  schedule
    .command('delete')
    .argument('<scheduleId>')
    .action(async (id: string) => {
      code = await scheduleDelete(id, out);
    });
  program
    .command('schema')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--chain', 'the JSON Schema of chain files instead')
    .description('print the JSON Schema of scenario files, or of chain files with --chain (for editors)')
    .action((o: { out?: string; chain?: boolean }) => {
      const text = JSON.stringify(o.chain ? chainJsonSchema() : experimentJsonSchema(), null, 2) + '\n';
      if (o.out) writeFileSync(o.out, text);
      else out.result(text);
    });
  program
    .command('codec-server')
    .description('decode encrypted payloads for the Web UI (needs FAULTLINE_CODEC_KEY); listens on 127.0.0.1')
    .option('--port <port>', 'port to listen on', '8888')
    .option('--ui-origin <url>', 'origin of the Web UI allowed to call it', 'http://127.0.0.1:8233')
    .action(async (o: { port: string; uiOrigin: string }) => {
      code = await codecServerCommand(o, out);
    });
  program
    .command('server')
    .argument('<action>', '"stop" stops the dev server Faultline started')
    .action(async (action: string) => {
      if (action !== 'stop') throw new FaultlineError('BadUsage', `unknown server action "${action}"`, { hint: 'use `faultline server stop`', retryable: false });
      out.result((await stopDevServer()) ? 'dev server stopped' : 'no Faultline dev server was running');
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    return reportError(err, out);
  }
}

function reportError(err: unknown, out: ReturnType<typeof consoleOutput>): number {
  const e = err as { code?: string; exitCode?: number };
  if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : EXIT_INVALID_INPUT;
  }
  if (err instanceof ValidationError) {
    out.info(`error: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}\nnothing was started.`);
    return EXIT_INVALID_INPUT;
  }
  if (err instanceof FaultlineError) {
    out.info(`error [${err.code}]: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}${err.code === GUARDRAIL_REFUSED ? '\nnothing was started.' : ''}`);
    return err.code === 'BadUsage' || err.code === GUARDRAIL_REFUSED ? EXIT_INVALID_INPUT : EXIT_CODES.error;
  }
  out.info(`error: ${(err as Error)?.stack ?? String(err)}`);
  return EXIT_CODES.error;
}
