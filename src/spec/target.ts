import { z } from 'zod';

/**
 * Which containers a fault or probe acts on: by compose service, container name or labels, and how
 * many of the matches to take. Random picks are made in the workflow so they are replayed exactly.
 */
const MODES = 'expected "all", "one", { count: N } or { percent: P }';

export const SelectionMode = z.union([
  z.enum(['all', 'one'], { error: MODES }),
  z.object({ count: z.number().int('must be a whole number').min(1, 'must be at least 1') }).strict(),
  z
    .object({ percent: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100') })
    .strict(),
]);
export type SelectionMode = z.infer<typeof SelectionMode>;

const SELECTORS = ['service', 'container', 'labels'] as const;

export const Target = z
  .object({
    service: z.string().min(1).optional(),
    container: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    mode: SelectionMode.default('all'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const given = SELECTORS.filter((k) => t[k] !== undefined);
    if (given.length !== 1) {
      const got = given.length === 0 ? 'none given' : `got ${given.map((k) => `"${k}"`).join(' and ')}`;
      ctx.addIssue({ code: 'custom', message: `give exactly one of "service", "container" or "labels" (${got})` });
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
      : `labels ${Object.entries(t.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`;
  const mode = typeof t.mode === 'string' ? t.mode : 'count' in t.mode ? `count ${t.mode.count}` : `${t.mode.percent}%`;
  return mode === 'all' ? what : `${what} (${mode})`;
}
