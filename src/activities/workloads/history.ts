/**
 * Workload histories: one JSONL file per workload under <run>/workloads/<id>.jsonl. An operation is
 * written as `invoke` BEFORE it is sent and gets its outcome line after, with synchronous appends,
 * so a SIGKILLed worker leaves at worst operations with no outcome, which readers call `unknown`
 * (never `lost`). A retried activity appends to the same file; a torn last line is skipped.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runDir } from '../artifacts/folder';

export type OpOutcome = 'ok' | 'failed' | 'unknown';

export type HistoryEvent =
  | { type: 'start'; at: number; attempt: number }
  | { type: 'stop'; at: number }
  | { type: 'invoke'; id: string; at: number }
  | { type: OpOutcome; id: string; at: number; latencyMs: number; status?: number; decision?: string; error?: string };

export function historyFile(artifactsRoot: string, workflowId: string, workloadId: string): string {
  return join(runDir(artifactsRoot, workflowId), 'workloads', `${workloadId}.jsonl`);
}

export class HistoryWriter {
  private fd: number;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    // A previous attempt killed mid-write may have left a torn line; start ours on a fresh one.
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const torn = before.length > 0 && !before.endsWith('\n');
    this.fd = openSync(file, 'a');
    if (torn) writeSync(this.fd, '\n');
  }

  write(e: HistoryEvent): void {
    writeSync(this.fd, JSON.stringify(e) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** One operation as a reader sees it; no outcome line means `unknown`. */
export interface Operation {
  id: string;
  invokedAt: number;
  outcome: OpOutcome;
  /** When the outcome was recorded; undefined when it never was. */
  doneAt?: number;
  latencyMs?: number;
  status?: number;
  decision?: string;
  error?: string;
}

export interface History {
  workload: string;
  operations: Operation[];
  /** Outcome lines per id, in order: a consumer that receives a message twice records it twice. */
  outcomes: Map<string, number>;
  startedAt?: number;
  stoppedAt?: number;
  attempts: number;
}

export function parseHistory(workload: string, text: string): History {
  const ops = new Map<string, Operation>();
  const outcomes = new Map<string, number>();
  const h: History = { workload, operations: [], outcomes, attempts: 0 };
  for (const line of text.split('\n')) {
    const e = parseLine(line);
    if (!e) continue;
    if (e.type === 'start') {
      h.startedAt ??= e.at;
      h.attempts++;
    } else if (e.type === 'stop') h.stoppedAt = e.at;
    else if (e.type === 'invoke') ops.set(e.id, { id: e.id, invokedAt: e.at, outcome: 'unknown' });
    else {
      const op: Operation = ops.get(e.id) ?? { id: e.id, invokedAt: e.at - e.latencyMs, outcome: e.type };
      Object.assign(op, { outcome: e.type, doneAt: e.at, latencyMs: e.latencyMs, status: e.status, decision: e.decision, error: e.error });
      ops.set(e.id, op);
      if (e.type === 'ok') outcomes.set(e.id, (outcomes.get(e.id) ?? 0) + 1);
    }
  }
  h.operations = [...ops.values()];
  return h;
}

export function readHistory(file: string, workload: string): History {
  return parseHistory(workload, existsSync(file) ? readFileSync(file, 'utf8') : '');
}

function parseLine(line: string): HistoryEvent | undefined {
  if (!line.trim()) return undefined;
  try {
    const e = JSON.parse(line) as HistoryEvent;
    return typeof e === 'object' && e !== null && typeof e.type === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stopping is a handshake through the file system, not activity cancellation: the workflow's view of
 * a cancelled activity can settle before the activity has written its last outcome, and the checks
 * must read a finished history. The runner looks for `<history>.stop` before every operation.
 */
export const stopFile = (history: string): string => `${history}.stop`;

export function stopRequested(history: string): boolean {
  return existsSync(stopFile(history));
}

/** Asks the workload to stop and waits until its history ends with a stop marker written after the request. */
export async function requestStop(history: string, timeoutMs: number, sleep: (ms: number) => Promise<void>): Promise<boolean> {
  const askedAt = Date.now();
  mkdirSync(dirname(history), { recursive: true });
  writeFileSync(stopFile(history), `${askedAt}\n`);
  const deadline = askedAt + timeoutMs;
  while (Date.now() < deadline) {
    const h = readHistory(history, '');
    if (h.stoppedAt !== undefined && h.stoppedAt >= askedAt) return true;
    await sleep(100);
  }
  return false;
}

/** Asks each of a run's workloads to stop and waits until its history is finished. Returns the ids that did not confirm. */
export async function stopWorkloads(
  artifactsRoot: string,
  sleep: (ms: number) => Promise<void>,
  input: { workflowId: string; ids: string[]; timeoutMs: number },
): Promise<{ unconfirmed: string[] }> {
  const confirmed = await Promise.all(input.ids.map((id) => requestStop(historyFile(artifactsRoot, input.workflowId, id), input.timeoutMs, sleep)));
  return { unconfirmed: input.ids.filter((_, i) => !confirmed[i]) };
}
