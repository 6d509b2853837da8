/**
 * The dead-man switch. Before a fault touches its target, a small reverter container starts beside
 * it: it sleeps until the fault's deadline and then runs the driver's self-revert script. It needs
 * nothing else alive (no worker, no janitor, no Temporal server), only the Docker engine. A normal
 * restore removes it; one that has fired stays (exited) until then, as evidence in the journal.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import type { SelfRevert } from '../faults/driver';
import { runOfFault } from '../faults/lifecycle';
import type { ContainerRef, FaultRecord } from '../types';
import { statusOf } from '../docker/status';
import { checkRecord } from './record';
import { LABEL, type Helper, hardenedHostConfig, helperImageId, helperName, listHelpers, removeHelper } from './helpers';

/** Sleeps in whole seconds while far from the deadline, then in short steps, then reverts with retries. */
const RUNNER = `set -u
while :; do
  left=$(( FL_DEADLINE_MS - $(date +%s%3N) ))
  [ "$left" -le 0 ] && break
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
 * The script that undoes a record's fault at one target, or undefined when the kind leaves nothing
 * to undo. Passed in (the worker looks it up in the driver registry), so this file knows no driver.
 */
export type SelfRevertFor = (rec: FaultRecord, target: ContainerRef) => SelfRevert | undefined;

/**
 * Starts one reverter per target of the record. Idempotent: a retried inject finds its reverter and
 * only makes sure it runs. Called again with another `deadlineAt` (a run extended), it replaces the
 * reverter, so the switch always holds the record's current deadline. Kinds without selfRevert get none.
 */
export async function armReverters(docker: Docker, rec: FaultRecord, selfRevertFor: SelfRevertFor): Promise<string[]> {
  if (rec.deadlineAt === undefined) return [];
  const names: string[] = [];
  for (const target of rec.targets) {
    const how = selfRevertFor(rec, target);
    if (!how) continue;
    const name = helperName('reverter', rec.faultId, target.id);
    await armOne(docker, name, rec, target, how);
    names.push(name);
  }
  return names;
}

async function armOne(docker: Docker, name: string, rec: FaultRecord, target: ContainerRef, how: SelfRevert): Promise<void> {
  const labels = {
    [LABEL.helper]: 'reverter',
    [LABEL.run]: runOfFault(rec.faultId),
    [LABEL.fault]: rec.faultId,
    [LABEL.target]: target.name,
    [LABEL.deadline]: String(rec.deadlineAt),
    // The whole record, so the janitor can restore the fault with its driver from labels alone.
    [LABEL.record]: JSON.stringify(rec),
  };
  const image = await helperImageId(docker);
  const create = () =>
    docker.createContainer({
      name,
      Image: image,
      Cmd: ['sh', '-c', RUNNER],
      Env: [...reverterEnv(how), `FL_DEADLINE_MS=${rec.deadlineAt}`, `FL_SCRIPT=${how.script}`, `FL_FAULT=${rec.faultId}`, `FL_TARGET=${target.name}`],
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
      if (existing?.Config.Labels?.[LABEL.deadline] === String(rec.deadlineAt)) {
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
}

/** Removes the fault's reverters after a successful restore, noting which had already fired. */
export async function disarmReverters(docker: Docker, faultId: string): Promise<Disarmed[]> {
  const found: Helper[] = await listHelpers(docker, { fault: faultId });
  const out: Disarmed[] = [];
  for (const h of found.filter((x) => x.kind === 'reverter')) {
    let exitCode: number | undefined;
    if (h.state === 'exited') exitCode = (await docker.getContainer(h.id).inspect().catch(() => undefined))?.State.ExitCode;
    await removeHelper(docker, h.id);
    out.push({ target: h.labels[LABEL.target] ?? h.name, fired: h.state === 'exited', exitCode });
  }
  return out;
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
