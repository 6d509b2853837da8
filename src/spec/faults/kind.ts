/**
 * What a fault kind says about itself, next to its schema: its target shape, the services it names
 * besides its target, its one-line description, what its driver needs and the lines of the fault
 * table in docs/faults.md. Workflows, stack validation, the driver registry and the docs read these
 * declarations instead of testing for fields. Pure data and functions: safe in the workflow sandbox.
 */
import type { z } from 'zod';
import type { Target } from '../target';

/**
 * The ports a driver factory can receive (their types are in src/activities/faults/driver.ts):
 * Docker container operations, the clock, network namespaces, container clones, host processes.
 */
export type FaultPort = 'ops' | 'clock' | 'net' | 'clones' | 'host';

/** Where a fault acts: on the containers its `target` selects, or on the worker's own host. */
export type TargetShape<F> = { on: 'containers'; of: (f: F) => Target } | { on: 'host' };

/** The shape of every kind with a container `target` field. */
export const CONTAINER_TARGET = { on: 'containers', of: (f: { target: Target }) => f.target } as const;
export const HOST_ONLY = { on: 'host' } as const;

/** A compose service a fault names besides its target; `path` is relative to the fault, e.g. `peers[0]`. */
export interface ServiceRef {
  service: string;
  path: string;
}

export interface FaultCapabilities<P extends readonly FaultPort[] = readonly FaultPort[]> {
  /** Exactly the ports the driver's factory receives. */
  ports: P;
  /** The driver has a dead-man self-revert script, run at the target if nobody restores in time. */
  selfRevert: boolean;
}

/** The kind's row in the generated fault table of docs/faults.md (Markdown, one line each). */
export interface FaultDocs {
  breaks: string;
  undoneBy: string;
  /** What the worker's host must have or allow. */
  host: string;
  /** What the fault acts on, when the target shape alone does not say it (e.g. the Toxiproxy container). */
  target?: string;
  /** The keys the kind takes besides `kind` and `target`, with their defaults (a family section may describe them instead). */
  keys?: string;
  /** What is left if the fault is never undone, as the residue scan reports it. */
  residue?: string;
}

/** A declaration seen through the spec type it describes; what readers of the registry use. */
export interface FaultDeclaration<F extends { kind: string }> {
  kind: F['kind'];
  target: TargetShape<F>;
  references: (f: F) => ServiceRef[];
  /** One line for the journal, the plan and the CLI. */
  describe: (f: F) => string;
  capabilities: FaultCapabilities;
  docs: FaultDocs;
}

/** A declaration with its concrete schema and port list, so FaultSpec and the factories' port types derive from it. */
export interface DeclaredFault<K extends string, S extends z.ZodType<{ kind: K }>, P extends readonly FaultPort[]>
  extends FaultDeclaration<z.output<S>> {
  kind: K;
  schema: S;
  capabilities: FaultCapabilities<P>;
}

const NONE = (): ServiceRef[] => [];

/** Declares a kind; `references` defaults to none. */
export function declareFault<const K extends string, S extends z.ZodType<{ kind: K }>, const P extends readonly FaultPort[]>(
  d: Omit<DeclaredFault<K, S, P>, 'references'> & { references?: (f: z.output<S>) => ServiceRef[] },
): DeclaredFault<K, S, P> {
  return { ...d, references: d.references ?? NONE };
}
