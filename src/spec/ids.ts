/**
 * The two shapes of names in a scenario. Ids (of steps, probes, workloads, checks) are kebab-case
 * so they read the same in paths, file names and the Web UI; names of experiments and chains are
 * also at most 63 characters, because they become compose project and workflow id prefixes.
 */
import { z } from 'zod';

const KEBAB = /^[a-z0-9][a-z0-9-]*$/;
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A kebab-case id; `what` names it in the message, e.g. `kebabId('probe ids')`. */
export const kebabId = (what: string) => z.string().regex(KEBAB, `${what} are kebab-case`);

/** The name of an experiment or a chain. */
export const Name = z.string().regex(NAME, 'names are kebab-case, at most 63 characters');
