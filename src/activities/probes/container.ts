/**
 * Container probe: what Docker says about the target's containers. With several matches the value
 * is the worst of them (any not running, any paused, the worst health), each one listed beside it.
 */
import { describeTarget } from '../../spec/target';
import type { ProbeOf } from '../../spec/probes';
import type { ContainerFilter, HealthStatus } from '../ports';
import { type Probe, type ProbeContext, ProbeFailure } from './probe';

type ContainerProbe = ProbeOf<'container'>;

export interface ContainerValue {
  state: string;
  running: boolean;
  paused: boolean;
  health: HealthStatus;
  restartCount: number;
  containers?: Array<{ name: string; state: string; health: HealthStatus }>;
}

const HEALTH_RANK: Record<HealthStatus, number> = { unhealthy: 3, starting: 2, healthy: 1, none: 0 };

export const containerProbe: Probe<ContainerProbe> = {
  label: 'value',

  async run(ctx: ProbeContext, p: ContainerProbe): Promise<ContainerValue> {
    const { ops } = ctx.deps;
    const refs = await ops.list(filterFor(ctx, p));
    if (refs.length === 0) throw new ProbeFailure(`no container matches ${describeTarget(p.target)}`);
    const states = await Promise.all(refs.map(async (r) => ({ ref: r, s: await ops.inspect(r.id) })));
    const each = states.map(({ ref, s }) => ({
      name: ref.name,
      state: s?.status ?? 'gone',
      running: s ? s.running && !s.restarting : false,
      paused: s?.paused ?? false,
      // Docker keeps the last health of an exited container; it says nothing once it stopped.
      health: s && s.running ? s.health : ('none' as HealthStatus),
      restartCount: s?.restartCount ?? 0,
    }));
    if (each.length === 1) {
      const { name: _name, ...only } = each[0];
      return only;
    }
    const worst = each.find((c) => !c.running || c.paused) ?? each[0];
    return {
      state: worst.state,
      running: each.every((c) => c.running),
      paused: each.some((c) => c.paused),
      health: each.map((c) => c.health).reduce((a, b) => (HEALTH_RANK[b] > HEALTH_RANK[a] ? b : a)),
      restartCount: each.reduce((n, c) => n + c.restartCount, 0),
      containers: each.map((c) => ({ name: c.name, state: c.state, health: c.health })),
    };
  },

  check(value: unknown): string | undefined {
    const v = value as ContainerValue;
    if (!v.running) return `expected running, got ${v.state}`;
    if (v.paused) return 'expected not paused, got paused';
    if (v.health !== 'healthy' && v.health !== 'none') return `expected health healthy or none, got ${v.health}`;
    return undefined;
  },
};

function filterFor(ctx: ProbeContext, p: ContainerProbe): ContainerFilter {
  const project = ctx.stack?.project;
  const t = p.target;
  if (t.service !== undefined) {
    if (project === undefined) throw new ProbeFailure(`container probe on service ${t.service} needs a running stack`);
    return { project, service: t.service };
  }
  if (t.container !== undefined) return { project, name: t.container };
  if (t.fromProbe !== undefined) throw new ProbeFailure('a container probe cannot take a target chosen by another probe');
  return { project, labels: t.labels };
}
