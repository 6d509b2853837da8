/**
 * `membership-surge`: N extra containers cloned from each target (same image, config, mounts and
 * network), started at inject and removed at restore, e.g. servers joining a NATS cluster. A clone
 * is reachable under its name on the target's network; `{name}` in `command` becomes that name,
 * since clustered servers need names of their own. Driver: src/activities/faults/cluster/.
 */
import { z } from 'zod';
import { CONTAINER_TARGET, declareFault } from './kind';
import { Target, describeTarget } from '../target';

const MembershipSurge = z
  .object({
    kind: z.literal('membership-surge'),
    target: Target,
    count: z.number().int().min(1, 'at least 1').max(8, 'at most 8').default(2),
    /** The clones' command; default: the target's own. `{name}` is replaced by each clone's name. */
    command: z.array(z.string()).min(1).optional(),
  })
  .strict();

export const MEMBERSHIP_SURGE = declareFault({
  kind: 'membership-surge',
  schema: MembershipSurge,
  target: CONTAINER_TARGET,
  describe: (f) => `add ${f.count} clone(s) of ${describeTarget(f.target)}`,
  capabilities: { ports: ['clones'], selfRevert: true },
  docs: {
    breaks: "adds `count` clones of each target to its cluster (same image, config, mounts, network)",
    undoneBy: "removing every container labelled with this fault's tag",
    host: 'the Docker engine',
  },
});
