/**
 * A pause on many targets, Faultline against the floor. The floor is plain dockerode with 8 pause
 * calls in flight; Faultline is what a fault step does: take the leases, arm one reverter per
 * target, pause every target (the lifecycle's inject, fanned out 8 at a time), then fix the
 * deadline (lease renewal, reverters moved). "Last effect" is the moment the last target's pause
 * returned; "step" is the whole inject activity. The restore side compares the lifecycle's restore
 * (unpause and disarm) with 8 parallel unpause calls. Ratios are against the floor measured in the
 * same run, rounds alternating, so a busy machine slows both sides alike.
 *
 * Run: npm run bench:fan-out   (BENCH_TARGETS=N, default 100; BENCH_ROUNDS=R, default 3; needs
 * Docker and faultline/base:bookworm; FAULTLINE_FAN_OUT changes Faultline's limit, not the floor's)
 */
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { mapBounded } from '../src/activities/bounded';
import { LABELS } from '../src/activities/docker/labels';
import { createContainerOps } from '../src/activities/docker/container-ops';
import { DEFAULT_POLICY } from '../src/activities/policy';
import { systemClock } from '../src/activities/ports';
import { HELPER_IMAGE, LABEL } from '../src/activities/safety/helpers';
import { acquireLease, releaseLeases } from '../src/activities/safety/leases';
import type { ContainerRef, FaultRecord } from '../src/activities/types';
import { wire } from '../src/activities/wiring';
import { FAULT_SCHEMAS } from '../src/spec/faults';
import { cleanupOnSignal, removeBenchContainers } from './bench-container';
import { percentile, round } from './stats';

const FLOOR_PARALLEL = 8;
const TTL_MS = 120_000;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name] ?? String(fallback);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

async function makeTargets(docker: Docker, project: string, n: number): Promise<ContainerRef[]> {
  const names = Array.from({ length: n }, (_, i) => `${project}-sleeper-${i + 1}`);
  return mapBounded(names, FLOOR_PARALLEL, async (name) => {
    const c = await docker.createContainer({
      name,
      Image: HELPER_IMAGE,
      Cmd: ['tini', '--', 'sleep', 'infinity'],
      Labels: { [LABELS.project]: project, [LABELS.service]: 'sleeper' },
      HostConfig: { NetworkMode: 'none' },
    });
    await c.start();
    return { id: c.id, name, service: 'sleeper' };
  });
}

/** Every target's paused state must be `paused`: a side that quietly skipped targets would look fast. */
async function expectPaused(docker: Docker, targets: ContainerRef[], paused: boolean, side: string): Promise<void> {
  const states = await mapBounded(targets, FLOOR_PARALLEL, async (t) => (await docker.getContainer(t.id).inspect()).State.Paused);
  const wrong = states.filter((s) => s !== paused).length;
  if (wrong > 0) throw new Error(`${side}: ${wrong} of ${targets.length} targets are not ${paused ? 'paused' : 'unpaused'}`);
}

interface Round {
  floorPause: number;
  floorUnpause: number;
  lastEffect: number;
  step: number;
  restore: number;
  /** Deadline after the last inject, ms: at least the TTL, or the deadline is short. */
  margin: number;
}

async function main(): Promise<number> {
  const n = intFromEnv('BENCH_TARGETS', 100);
  const rounds = intFromEnv('BENCH_ROUNDS', 3);
  const docker = new Docker();
  const project = `bench-fanout-${process.pid}-${Date.now().toString(36)}`;
  let interrupted = false;
  const unhook = cleanupOnSignal(docker, project, () => {
    interrupted = true;
  });
  const runs: string[] = [];
  try {
    const ops = createContainerOps(docker);
    const w = wire({ docker, ops, clock: systemClock, artifactsRoot: '/nonexistent', policy: DEFAULT_POLICY });
    console.log(`fan-out: ${n} targets of ${HELPER_IMAGE}, ${rounds} round(s); floor ${FLOOR_PARALLEL} parallel raw calls, Faultline fan-out ${w.fanOut}`);
    const targets = await makeTargets(docker, project, n);
    const spec = FAULT_SCHEMAS['container-pause'].parse({ kind: 'container-pause', target: { service: 'sleeper' } });
    const results: Round[] = [];
    for (let r = 0; r <= rounds; r++) {
      // Round 0 warms both sides up (sockets, JIT, the helper image id) and is not counted.
      let t0 = performance.now();
      await mapBounded(targets, FLOOR_PARALLEL, (t) => docker.getContainer(t.id).pause());
      const floorPause = performance.now() - t0;
      await expectPaused(docker, targets, true, 'floor');
      t0 = performance.now();
      await mapBounded(targets, FLOOR_PARALLEL, (t) => docker.getContainer(t.id).unpause());
      const floorUnpause = performance.now() - t0;
      await expectPaused(docker, targets, false, 'floor');

      const run = `${project}-r${r}`;
      runs.push(run);
      const rec: FaultRecord = { faultId: `${run}/method[0]`, stepPath: 'method[0]', kind: spec.kind, spec, targets, ttlMs: TTL_MS };
      const wallStart = Date.now();
      t0 = performance.now();
      // What the workflow does for a fault step: the lease, then the inject activity.
      const lease = await acquireLease(docker, systemClock, { run, faultId: rec.faultId, targets, expiresAt: wallStart + TTL_MS }, w.fanOut);
      if (!lease.acquired) throw new Error(`lease refused: ${JSON.stringify(lease.holder)}`);
      const injected = await w.lifecycle.inject({ ...rec, deadlineAt: wallStart + TTL_MS });
      const step = performance.now() - t0;
      const lastEffect = (injected.targets ?? []).reduce((m, x) => Math.max(m, x.injectedAt), 0) - wallStart;
      await expectPaused(docker, targets, true, 'faultline');
      t0 = performance.now();
      const restored = await w.lifecycle.restore({ ...rec, deadlineAt: injected.deadlineAt });
      const restore = performance.now() - t0;
      if (restored.outcomes.some((o) => o.outcome !== 'restored' || o.detail?.includes('dead-man'))) throw new Error('faultline: a restore did not restore');
      await expectPaused(docker, targets, false, 'faultline');
      await releaseLeases(docker, run);
      const margin = (injected.deadlineAt ?? 0) - Math.max(...(injected.targets ?? []).map((x) => x.injectedAt));
      if (r > 0) results.push({ floorPause, floorUnpause, lastEffect, step, restore, margin });
      console.log(
        `${r === 0 ? 'warm-up' : `round ${r}`}: floor pause ${round(floorPause, 0)} ms, unpause ${round(floorUnpause, 0)} ms; ` +
          `faultline last effect ${round(lastEffect, 0)} ms, step ${round(step, 0)} ms, restore ${round(restore, 0)} ms, deadline ${margin} ms after the last inject`,
      );
    }
    const med = (k: keyof Round) => percentile(results.map((x) => x[k]), 50);
    const report = {
      bench: 'fan-out',
      targets: n,
      rounds,
      unit: 'ms',
      floorParallel: FLOOR_PARALLEL,
      fanOut: w.fanOut,
      floorPause: round(med('floorPause'), 0),
      lastEffect: round(med('lastEffect'), 0),
      step: round(med('step'), 0),
      floorUnpause: round(med('floorUnpause'), 0),
      restore: round(med('restore'), 0),
      ratioLastEffect: round(med('lastEffect') / med('floorPause'), 2),
      ratioStep: round(med('step') / med('floorPause'), 2),
      ratioRestore: round(med('restore') / med('floorUnpause'), 2),
      minDeadlineMarginMs: Math.min(...results.map((x) => x.margin)),
      ttlMs: TTL_MS,
    };
    console.log(
      `\nmedians over ${rounds} round(s), ${n} targets:\n` +
        `  start to last pause: faultline ${report.lastEffect} ms vs floor ${report.floorPause} ms  -> ${report.ratioLastEffect}x\n` +
        `  whole inject step:   faultline ${report.step} ms vs floor ${report.floorPause} ms  -> ${report.ratioStep}x\n` +
        `  restore:             faultline ${report.restore} ms vs floor ${report.floorUnpause} ms  -> ${report.ratioRestore}x\n` +
        `  dead-man deadline: at least ${report.minDeadlineMarginMs} ms after the last inject (TTL ${TTL_MS} ms)\n`,
    );
    console.log(JSON.stringify(report));
    return report.minDeadlineMarginMs >= TTL_MS ? 0 : 1;
  } catch (err) {
    if (!interrupted) console.error(`fan-out failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    if (!interrupted) {
      for (const run of runs) {
        const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.run}=${run}`] } }).catch(() => []);
        await mapBounded(left, FLOOR_PARALLEL, (c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined));
      }
      await removeBenchContainers(docker, project).catch((err: unknown) => console.error(`could not remove bench containers of ${project}: ${String(err)}`));
    }
    unhook();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`fan-out: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
