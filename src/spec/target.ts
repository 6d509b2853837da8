/**
 * Which containers a fault or probe acts on: by compose service, container name or labels, and how
 * many of the matches to take. Random picks are made in the workflow so they are replayed exactly.
 */
import { z } from 'zod';

const MODES = 'expected "all", "one", { count: N } or { percent: P }';

export const SelectionMode = z.union([
  z.enum(['all', 'one'], { error: MODES }),
  z.object({ count: z.number().int('must be a whole number').min(1, 'must be at least 1') }).strict(),
  z
    .object({ percent: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100') })
    .strict(),
]);
export type SelectionMode = z.infer<typeof SelectionMode>;

const SELECTORS = ['service', 'container', 'labels', 'fromProbe'] as const;

/**
 * A target named by what a probe of the experiment's library returns at the moment the fault is
 * injected, e.g. the JetStream meta leader. The workflow runs the probe, records the choice in the
 * journal, then resolves the value as a service (or container) name. Faults only.
 */
export const ProbeChoice = z
  .object({
    /** Id of an entry in the experiment's `probes` library. */
    probe: z.string().min(1),
    /** JSONPath into the probe's sample value; its first match must be a non-empty string. */
    select: z.string().min(1),
    as: z.enum(['service', 'container']).default('service'),
  })
  .strict();
export type ProbeChoice = z.infer<typeof ProbeChoice>;

export const Target = z
  .object({
    service: z.string().min(1).optional(),
    container: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    fromProbe: ProbeChoice.optional(),
    mode: SelectionMode.default('all'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const given = SELECTORS.filter((k) => t[k] !== undefined);
    if (given.length !== 1) {
      const got = given.length === 0 ? 'none given' : `got ${given.map((k) => `"${k}"`).join(' and ')}`;
      ctx.addIssue({ code: 'custom', message: `give exactly one of "service", "container", "labels" or "fromProbe" (${got})` });
    }
    if (t.labels && Object.keys(t.labels).length === 0) {
      // An empty selector would match every container of the stack.
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'give at least one label' });
    }
  });
export type Target = z.infer<typeof Target>;

export function describeTarget(t: Target): string {
  const what = t.service
    ? `service ${t.service}`
    : t.container
      ? `container ${t.container}`
      : t.fromProbe
        ? `the ${t.fromProbe.as} named by probe ${t.fromProbe.probe} at ${t.fromProbe.select}`
        : `labels ${Object.entries(t.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`;
  const mode = typeof t.mode === 'string' ? t.mode : 'count' in t.mode ? `count ${t.mode.count}` : `${t.mode.percent}%`;
  return mode === 'all' ? what : `${what} (${mode})`;
}

/** The pseudo-target of faults on the worker's own host (process-kill): one, always the same. */
export const HOST_TARGET = { id: 'host', name: 'host' } as const;
