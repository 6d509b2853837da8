import { z } from 'zod';

/**
 * Which containers a fault or probe acts on: by compose service, container name or labels, and how
 * many of the matches to take. Random picks are made in the workflow so they are replayed exactly.
 */
export const SelectionMode = z.union([
  z.enum(['all', 'one']),
  z.object({ count: z.number().int().positive() }).strict(),
  z.object({ percent: z.number().positive().max(100) }).strict(),
]);
export type SelectionMode = z.infer<typeof SelectionMode>;

export const Target = z
  .object({
    service: z.string().min(1).optional(),
    container: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    mode: SelectionMode.default('all'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const given = [t.service, t.container, t.labels].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of "service", "container" or "labels"' });
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
