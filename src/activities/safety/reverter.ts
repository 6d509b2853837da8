/**
 * The dead-man switch. Before a fault touches its target, a small reverter container starts beside
 * it: it sleeps until the fault's deadline and then runs the driver's self-revert script. It needs
 * nothing else alive (no worker, no janitor, no Temporal server), only the Docker engine. A normal
 * restore removes it; one that has fired stays (exited) until then, as evidence in the journal.
 *
 * A reverter is armed with a deadline (its env and its deadline label) and that deadline can only
 * be moved later while it runs: `moveReverters` writes the new one into the reverter's /tmp, which
 * the runner re-reads on every wake-up. So the lifecycle can arm before the inject (no instant of
 * the fault uncovered) and still count the TTL from the inject once the injects have returned.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import { DEFAULT_FAN_OUT, mapBounded, mapSettled } from '../bounded';
import type { SelfRevert } from '../faults/driver';
import { type ArmedReverter, runOfFault } from '../faults/lifecycle';
import type { ContainerRef, FaultRecord } from '../types';
import { statusOf } from '../docker/status';
import { checkRecord } from './record';
import { LABEL, type Helper, hardenedHostConfig, helperImageId, helperName, listHelpers, removeHelper } from './helpers';

/**
 * Sleeps in whole seconds while far from the deadline, then in short steps, then reverts with
 * retries. The deadline is the later of its env and /tmp/fl-deadline (a move). Before it fires it
 * marks /tmp/fl-fired and reads the deadline once more, so a move racing the deadline either lands
 * (the runner goes back to sleep) or sees the mark and reports that the switch had fired.
 */
const RUNNER = `set -u
deadline() {
  d=$(cat /tmp/fl-deadline 2>/dev/null || true)
  case "$d" in ''|*[!0-9]*) d=0 ;; esac
  [ "$d" -gt "$FL_DEADLINE_MS" ] && echo "$d" || echo "$FL_DEADLINE_MS"
}
shown=0
while :; do
  dl=$(deadline)
  [ "$dl" != "$shown" ] && { echo "armed until $dl"; shown=$dl; }
  left=$(( dl - $(date +%s%3N) ))
  if [ "$left" -le 0 ]; then
    : > /tmp/fl-fired
    [ "$(deadline)" = "$dl" ] && break
    rm -f /tmp/fl-fired
    continue
  fi
  if [ "$left" -gt 2000 ]; then sleep $(( (left - 1000) / 1000 )); else sleep 0.2; fi
done
echo "deadline passed: reverting $FL_FAULT on $FL_TARGET"
i=0
until sh -c "$FL_SCRIPT"; do
  i=$((i + 1)); [ "$i" -ge 30 ] && { echo "giving up after $i attempts"; exit 1; }
  sleep 1
done
echo reverted`;

/**
 * Run by exec inside a reverter: moves its deadline to $1 unless it already holds a later one, or
 * exits 3 when the switch has fired.
 */
const MOVE = `[ -e /tmp/fl-fired ] && exit 3
cur=$(cat /tmp/fl-deadline 2>/dev/null || true)
case "$cur" in ''|*[!0-9]*) cur=0 ;; esac
if [ "$cur" -lt "$1" ]; then
  printf %s "$1" > /tmp/fl-deadline.new && mv /tmp/fl-deadline.new /tmp/fl-deadline || exit 1
fi
[ -e /tmp/fl-fired ] && exit 3
exit 0`;

/**
 * The script that undoes a record's fault at one target, or undefined when the kind leaves nothing
 * to undo. Passed in (the worker looks it up in the driver registry), so this file knows no driver.
 */
export type SelfRevertFor = (rec: FaultRecord, target: ContainerRef) => SelfRevert | undefined;

/** Which reverter of a target: the first one, or the one armed after the first had fired during its inject. */
export type ReverterSlot = 'first' | 'again';

export interface ArmOptions {
  /** Reverters armed at once (bounded.ts). */
  limit?: number;
  slot?: ReverterSlot;
}

/**
 * Starts one reverter per target of the record, at most `limit` at once. Idempotent: a retried
 * inject finds its reverter and only makes sure it runs. Called again with another `deadlineAt`
 * (a run extended, a retried inject), a running reverter has its deadline moved, never replaced,
 * so the target is covered at every instant; one that has exited is replaced. Kinds without
 * selfRevert get none. Returns the reverters' names in target order.
 */
export async function armReverters(docker: Docker, rec: FaultRecord, selfRevertFor: SelfRevertFor, opts: ArmOptions = {}): Promise<ArmedReverter[]> {
  if (rec.deadlineAt === undefined) return [];
  const wanted = rec.targets.flatMap((target) => {
    const how = selfRevertFor(rec, target);
    return how ? [{ target, how, name: reverterName(rec.faultId, target, opts.slot ?? 'first') }] : [];
  });
  await mapBounded(wanted, opts.limit ?? DEFAULT_FAN_OUT, (w) => armOne(docker, w.name, rec, w.target, w.how));
  return wanted.map((w) => ({ name: w.name, target: w.target }));
}

export const reverterName = (faultId: string, target: ContainerRef, slot: ReverterSlot = 'first'): string =>
  slot === 'first' ? helperName('reverter', faultId, target.id) : helperName('reverter', faultId, target.id, slot);

async function armOne(docker: Docker, name: string, rec: FaultRecord, target: ContainerRef, how: SelfRevert): Promise<void> {
  const deadline = rec.deadlineAt as number;
  const labels = {
    [LABEL.helper]: 'reverter',
    [LABEL.run]: runOfFault(rec.faultId),
    [LABEL.fault]: rec.faultId,
    [LABEL.target]: target.name,
    // The deadline it was armed with; a move (moveReverters) only ever makes it later.
    [LABEL.deadline]: String(deadline),
    // The whole record, so the janitor can restore the fault with its driver from labels alone.
    [LABEL.record]: JSON.stringify(rec),
  };
  const image = await helperImageId(docker);
  const create = () =>
    docker.createContainer({
      name,
      Image: image,
      Cmd: ['sh', '-c', RUNNER],
      Env: [...reverterEnv(how), `FL_DEADLINE_MS=${deadline}`, `FL_SCRIPT=${how.script}`, `FL_FAULT=${rec.faultId}`, `FL_TARGET=${target.name}`],
      Labels: labels,
      HostConfig: hardenedHostConfig({
        network: how.netnsOf ? `container:${how.netnsOf}` : (how.network ?? 'none'),
        netAdmin: how.netnsOf !== undefined && how.netAdmin === true,
        dockerSocket: how.dockerSocket,
      }),
    });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await (await create()).start();
        return;
      } catch (err) {
        if (statusOf(err) !== 409 || attempt > 0) throw err;
      }
      const existing = await docker.getContainer(name).inspect().catch(() => undefined);
      const armedWith = Number(existing?.Config.Labels?.[LABEL.deadline]);
      if (existing?.State.Running && deadline >= armedWith) {
        // Later: moved in place, as removing and re-creating would leave the target uncovered for a
        // moment. Earlier (the safe direction, rare) it is replaced below, as a sleeping runner only
        // wakes up for its own deadline.
        if ((await moveOne(docker, existing.Id, deadline)) === 'moved') return;
      } else if (existing?.Config.Labels?.[LABEL.deadline] === String(deadline) && existing.State.Status === 'created') {
        await docker.getContainer(name).start().catch((e: unknown) => {
          if (statusOf(e) !== 304) throw e;
        });
        return;
      }
      if (existing) await removeHelper(docker, existing.Id);
    }
  } catch (err) {
    throw new FaultlineError('ReverterFailed', `cannot start the reverter for ${target.name}: ${(err as Error).message}`, { cause: err });
  }
}

/** What a move found: the deadline moved, or the switch had already fired (or was firing). */
export type MoveResult = 'moved' | 'fired';

/** Moves every named reverter's deadline to `deadlineAt` (never earlier than it was), at most `limit` at once. */
export async function moveReverters(docker: Docker, names: string[], deadlineAt: number, limit = DEFAULT_FAN_OUT): Promise<MoveResult[]> {
  const settled = await mapSettled(names, limit, (name) => moveOne(docker, name, deadlineAt));
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${names[i]}: ${(s.reason as Error).message}`] : []));
  if (failed.length > 0) throw new FaultlineError('ReverterFailed', `cannot move the dead-man deadline of ${failed.length} reverter(s): ${failed.join('; ')}`);
  return settled.map((s) => (s as PromiseFulfilledResult<MoveResult>).value);
}

async function moveOne(docker: Docker, idOrName: string, deadlineAt: number): Promise<MoveResult> {
  let exec: Docker.Exec;
  try {
    exec = await docker.getContainer(idOrName).exec({ Cmd: ['sh', '-c', MOVE, 'sh', String(deadlineAt)], AttachStdout: true, AttachStderr: true });
  } catch (err) {
    // 409: not running (it has fired and exited); 404: gone (a janitor or a restore removed it).
    const code = statusOf(err);
    if (code === 409 || code === 404) return 'fired';
    throw err;
  }
  const stream = await exec.start({ hijack: true, stdin: false });
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
    stream.resume();
  });
  const code = (await exec.inspect()).ExitCode;
  if (code === 0) return 'moved';
  if (code === 3) return 'fired';
  throw new Error(`moving its deadline exited with ${code}`);
}

/** A driver's data for its script; only `FL_` names the runner does not own, so none can shadow PATH or the runner's own. */
function reverterEnv(how: SelfRevert): string[] {
  return Object.entries(how.env ?? {}).map(([k, v]) => {
    if (!/^FL_[A-Z0-9_]+$/.test(k) || RUNNER_VARS.has(k)) throw new FaultlineError('ReverterFailed', `invalid reverter variable ${k}`, { retryable: false });
    return `${k}=${v}`;
  });
}
const RUNNER_VARS = new Set(['FL_DEADLINE_MS', 'FL_SCRIPT', 'FL_FAULT', 'FL_TARGET']);

export interface Disarmed {
  target: string;
  /** The reverter had already run its script: the dead-man switch fired before the restore. */
  fired: boolean;
  exitCode?: number;
  /** When a fired reverter finished (epoch ms, the engine's clock): the target was reverted by then. */
  firedAt?: number;
}

/** Removes the fault's reverters after a successful restore, at most `limit` at once, noting which had already fired. */
export async function disarmReverters(docker: Docker, faultId: string, limit = DEFAULT_FAN_OUT): Promise<Disarmed[]> {
  const found: Helper[] = (await listHelpers(docker, { fault: faultId })).filter((x) => x.kind === 'reverter');
  return mapBounded(found, limit, async (h) => {
    const out: Disarmed = { target: h.labels[LABEL.target] ?? h.name, fired: h.state === 'exited' };
    if (out.fired) {
      const state = (await docker.getContainer(h.id).inspect().catch(() => undefined))?.State;
      out.exitCode = state?.ExitCode;
      const at = state ? Date.parse(state.FinishedAt) : NaN;
      if (Number.isFinite(at) && at > 0) out.firedAt = at;
    }
    await removeHelper(docker, h.id);
    return out;
  });
}

/**
 * The records of a run's armed reverters, read back from their labels. Only records that validate
 * against the run (record.ts) come back; every other one is listed in `skipped`, for the janitor to report.
 */
export async function reverterRecords(docker: Docker, run: string): Promise<{ records: FaultRecord[]; skipped: string[] }> {
  const byFault = new Map<string, FaultRecord>();
  const skipped: string[] = [];
  for (const h of await listHelpers(docker, { run })) {
    if (h.kind !== 'reverter') continue;
    const c = checkRecord(h, run);
    if (!c.ok) skipped.push(c.problem);
    else if (!byFault.has(c.record.faultId)) byFault.set(c.record.faultId, c.record);
  }
  return { records: [...byFault.values()], skipped };
}
