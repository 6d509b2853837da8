import { z } from 'zod';
import { Duration } from './duration';
import { ProbeRef } from './probes';

/** The check kinds: verdicts over what the run observed. */
export const CHECK_SCHEMAS = {
  /** After restore, the probe must pass `consecutive` times in a row within `within`. */
  'time-to-green': z
    .object({
      kind: z.literal('time-to-green'),
      id: z.string().min(1).optional(),
      probe: ProbeRef,
      within: Duration,
      consecutive: z.number().int().positive().default(3),
      interval: Duration.default('500ms'),
    })
    .strict(),
} as const;

export type CheckKind = keyof typeof CHECK_SCHEMAS;
export const CHECK_KINDS = Object.keys(CHECK_SCHEMAS) as CheckKind[];
export const CheckSpec = z.discriminatedUnion('kind', [CHECK_SCHEMAS['time-to-green']]);
export type CheckSpec = z.infer<typeof CheckSpec>;
