/**
 * Overhead of Faultline's fault drivers over the raw Docker calls they wrap, on the real engine.
 * The drivers add inspects (for idempotence) and a running-wait (for honest restores); this shows
 * what that costs per inject+restore pair, as a ratio against plain dockerode measured in the same
 * run, so the number survives a slow or busy machine.
 *
 * Run: npm run bench   (BENCH_ITERATIONS=N, default 20; needs Docker and faultline/nats:local)
 */
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { createContainerOps } from '../src/activities/docker/container-ops';
import { createCloneOps } from '../src/activities/docker/clone-ops';
import { type FaultDrivers, createFaultDrivers, injectFault, restoreFault } from '../src/activities/faults';
import { hostOps } from '../src/activities/host/processes';
import { guardHost } from '../src/activities/host/guard';
import { DEFAULT_POLICY } from '../src/activities/policy';
import { createNetOps } from '../src/activities/net/ops';
import { systemClock } from '../src/activities/ports';
import type { ContainerRef, FaultRecord } from '../src/activities/types';
import { FAULT_SCHEMAS, type FaultSpec } from '../src/spec/faults';
import { BENCH_IMAGE, BENCH_SERVICE, cleanupOnSignal, removeBenchContainers, startBenchContainer } from './bench-container';
import { type PairReport, comparePair, formatTable } from './stats';

type Op = () => Promise<void>;

/** One fault measured two ways: the bare Docker calls, and Faultline's inject + restore of it. */
interface Pair {
  name: string;
  baseline: Op;
  faultline: Op;
}

function iterationsFromEnv(): number {
  const raw = process.env.BENCH_ITERATIONS ?? '20';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_ITERATIONS must be a positive integer, got "${raw}"`);
  return n;
}

async function timed(op: Op): Promise<number> {
  const t0 = performance.now();
  await op();
  return performance.now() - t0;
}

async function measure(pair: Pair, iterations: number): Promise<PairReport> {
  // One untimed round of each side first: the first calls pay for the socket, module loading and
  // JIT, which would otherwise all land on whichever side happens to go first.
  await pair.baseline();
  await pair.faultline();
  const baseline: number[] = [];
  const faultline: number[] = [];
  // ABAB rather than all-A-then-all-B: daemon load drifts (other jobs share it), and alternating
  // spreads that drift evenly over both sides instead of blaming it on one.
  for (let i = 0; i < iterations; i++) {
    baseline.push(await timed(pair.baseline));
    faultline.push(await timed(pair.faultline));
  }
  return comparePair(pair.name, baseline, faultline);
}

function record(project: string, spec: FaultSpec, target: ContainerRef): FaultRecord {
  return { faultId: `bench/${project}/${spec.kind}`, stepPath: 'method[0]', kind: spec.kind, spec, targets: [target] };
}

/**
 * Inject then restore. The results are checked because a driver that quietly did nothing (say,
 * took the target for already clean) would look fast and report a flattering ratio.
 */
function faultlineOp(drivers: FaultDrivers, rec: FaultRecord, injected: RegExp): Op {
  return async () => {
    const inj = await injectFault(drivers, rec);
    const res = await restoreFault(drivers, rec);
    const bad = [
      ...inj.details.filter((d) => !injected.test(d)),
      ...res.outcomes.filter((o) => o.outcome !== 'restored').map((o) => `${o.container}: ${o.outcome}`),
    ];
    if (bad.length > 0) throw new Error(`${rec.kind} did not inject and restore as expected: ${bad.join('; ')}`);
  };
}

function buildPairs(docker: Docker, drivers: FaultDrivers, project: string, target: ContainerRef): Pair[] {
  const c = docker.getContainer(target.id);
  const pause = FAULT_SCHEMAS['container-pause'].parse({ kind: 'container-pause', target: { service: BENCH_SERVICE } });
  const kill = FAULT_SCHEMAS['container-kill'].parse({ kind: 'container-kill', target: { service: BENCH_SERVICE }, signal: 'SIGKILL' });
  return [
    {
      name: 'container-pause',
      // Docker refuses to unpause an unpaused or start a started container, so the baselines fail
      // loudly too if the container is not where the previous step should have left it.
      baseline: async () => {
        await c.pause();
        await c.unpause();
      },
      faultline: faultlineOp(drivers, record(project, pause, target), /: paused$/),
    },
    {
      name: 'container-kill',
      baseline: async () => {
        // Docker's kill with SIGKILL returns once the container has exited, so start cannot race it.
        await c.kill({ signal: 'SIGKILL' });
        await c.start();
      },
      faultline: faultlineOp(drivers, record(project, kill, target), /: killed with SIGKILL$/),
    },
  ];
}

async function main(): Promise<number> {
  const iterations = iterationsFromEnv();
  const docker = new Docker(); // DOCKER_HOST if set, else /var/run/docker.sock
  const project = `bench-${process.pid}-${Date.now().toString(36)}`;
  let interrupted = false;
  const unhook = cleanupOnSignal(docker, project, () => {
    interrupted = true;
  });
  try {
    await startBenchContainer(docker, project);
    const ops = createContainerOps(docker);
    // Resolve the target the way the worker does, by project and service label, outside the timing.
    const targets = await ops.list({ project, service: BENCH_SERVICE });
    if (targets.length !== 1) throw new Error(`expected one bench container, found ${targets.length}`);
    const drivers = createFaultDrivers({ ops, clock: systemClock, net: createNetOps(docker), clones: createCloneOps(docker), host: guardHost(hostOps, DEFAULT_POLICY.hostFaults) });

    console.log(`fault-ops: ${iterations} iterations per side, ABAB, on ${BENCH_IMAGE} (${targets[0].name})`);
    const reports: PairReport[] = [];
    for (const pair of buildPairs(docker, drivers, project, targets[0])) reports.push(await measure(pair, iterations));

    console.log(`\n${formatTable(reports)}\n`);
    console.log(JSON.stringify({ bench: 'fault-ops', iterations, unit: 'ms', pairs: reports }));
    return 0;
  } catch (err) {
    // After a signal the handler is already removing the container; its error noise is not news.
    if (!interrupted) console.error(`fault-ops failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    // After a signal the handler owns removal and exits; removing here too would only race it.
    if (!interrupted) {
      await removeBenchContainers(docker, project).catch((err: unknown) => {
        console.error(`could not remove bench containers of ${project}: ${String(err)}`);
      });
    }
    // Unhooked only now, so a Ctrl-C during the final removal still removes.
    unhook();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  // Only bad settings get here (nothing is created before the try); say so without a stack trace.
  (err: unknown) => {
    console.error(`fault-ops: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
