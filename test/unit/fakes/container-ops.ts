/**
 * An in-memory ContainerOps with Docker's semantics as measured on Docker 20.10: kill of a paused
 * container ends it, start of a paused one is a conflict, repeats answer `already`. Tests can make
 * the next calls of an operation fail to simulate a half-done inject or a flaky daemon.
 */
import {
  type ContainerFilter,
  type ContainerOps,
  type ContainerState,
  type HealthStatus,
  type OpResult,
  ContainerConflictError,
  ContainerGoneError,
} from '../../../src/activities/ports';
import type { ContainerRef } from '../../../src/activities/types';

export interface FakeContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  running: boolean;
  paused: boolean;
  /** Set when the process was frozen with SIGSTOP; cleared by SIGCONT. */
  stopped: boolean;
  health: HealthStatus;
  restartCount: number;
  exitCode: number;
}

type Op = 'kill' | 'stop' | 'start' | 'restart' | 'pause' | 'unpause';

export class FakeContainerOps implements ContainerOps {
  readonly containers = new Map<string, FakeContainer>();
  readonly calls: string[] = [];
  private readonly failures: Array<{ op: Op; name: string; times: number }> = [];
  private nextPid = 100;

  add(project: string, service: string, opts: Partial<FakeContainer> = {}): ContainerRef {
    const { labels, ...rest } = opts;
    const name = opts.name ?? `${project}-${service}-1`;
    const id = opts.id ?? `id-${name}`;
    this.containers.set(id, {
      running: true,
      paused: false,
      stopped: false,
      health: 'none',
      restartCount: 0,
      exitCode: 0,
      ...rest,
      id,
      name,
      labels: { 'faultline.project': project, 'faultline.service': service, ...(labels ?? {}) },
    });
    return { id, name, service };
  }

  get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`fake: no container ${id}`);
    return c;
  }

  remove(id: string): void {
    this.containers.delete(id);
  }

  /** The next `times` calls of `op` on the named container throw a retryable Docker error. */
  failNext(op: Op, name: string, times = 1): void {
    this.failures.push({ op, name, times });
  }

  async list(f: ContainerFilter): Promise<ContainerRef[]> {
    const want: Record<string, string> = { ...(f.labels ?? {}) };
    if (f.project !== undefined) want['faultline.project'] = f.project;
    if (f.service !== undefined) want['faultline.service'] = f.service;
    return [...this.containers.values()]
      .filter((c) => Object.entries(want).every(([k, v]) => c.labels[k] === v))
      .filter((c) => f.name === undefined || c.name === f.name)
      .map((c) => ({ id: c.id, name: c.name, service: c.labels['faultline.service'] }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async inspect(id: string): Promise<ContainerState | undefined> {
    const c = this.containers.get(id);
    if (!c) return undefined;
    const status = c.paused ? 'paused' : c.running ? 'running' : 'exited';
    return {
      exists: true,
      running: c.running,
      paused: c.paused,
      restarting: false,
      status,
      health: c.health,
      restartCount: c.restartCount,
      pid: c.running ? this.nextPid : 0,
      exitCode: c.exitCode,
    };
  }

  kill(id: string, signal: string): Promise<OpResult> {
    return this.op('kill', id, (c) => {
      if (!c.running) return 'already';
      if (signal === 'SIGSTOP') c.stopped = true;
      else if (signal === 'SIGCONT') c.stopped = false;
      else this.exit(c, 137);
      return 'done';
    });
  }

  stop(id: string): Promise<OpResult> {
    return this.op('stop', id, (c) => (c.running ? (this.exit(c, 143), 'done') : 'already'));
  }

  start(id: string): Promise<OpResult> {
    return this.op('start', id, (c) => {
      if (c.paused) throw new ContainerConflictError(id, 'start', 'cannot start a paused container, try unpause instead');
      if (c.running) return 'already';
      this.run(c);
      return 'done';
    });
  }

  restart(id: string): Promise<OpResult> {
    return this.op('restart', id, (c) => {
      this.exit(c, 0);
      this.run(c);
      c.restartCount += 1;
      return 'done';
    });
  }

  pause(id: string): Promise<OpResult> {
    return this.op('pause', id, (c) => {
      if (!c.running) throw new ContainerConflictError(id, 'pause', `Container ${id} is not running`);
      if (c.paused) return 'already';
      c.paused = true;
      return 'done';
    });
  }

  unpause(id: string): Promise<OpResult> {
    return this.op('unpause', id, (c) => {
      if (!c.paused) return 'already';
      c.paused = false;
      return 'done';
    });
  }

  private async op(op: Op, id: string, fn: (c: FakeContainer) => OpResult): Promise<OpResult> {
    const c = this.containers.get(id);
    this.calls.push(`${op} ${c?.name ?? id}`);
    if (!c) throw new ContainerGoneError(id, op);
    const failure = this.failures.find((f) => f.op === op && f.name === c.name && f.times > 0);
    if (failure) {
      failure.times -= 1;
      throw new Error(`fake: ${op} ${c.name} failed (injected)`);
    }
    return fn(c);
  }

  private exit(c: FakeContainer, code: number): void {
    Object.assign(c, { running: false, paused: false, stopped: false, exitCode: code });
  }

  private run(c: FakeContainer): void {
    Object.assign(c, { running: true, exitCode: 0 });
    this.nextPid += 1;
  }
}
