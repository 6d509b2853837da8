import { z } from 'zod';
import { Target } from './target';

/**
 * `membership-surge`: N extra containers cloned from each target (same image, config, mounts and
 * network), started at inject and removed at restore, e.g. servers joining a NATS cluster. A clone
 * is reachable under its name on the target's network; `{name}` in `command` becomes that name,
 * since clustered servers need names of their own.
 */
export const MembershipSurge = z
  .object({
    kind: z.literal('membership-surge'),
    target: Target,
    count: z.number().int().min(1, 'at least 1').max(8, 'at most 8').default(2),
    /** The clones' command; default: the target's own. `{name}` is replaced by each clone's name. */
    command: z.array(z.string()).min(1).optional(),
  })
  .strict();
