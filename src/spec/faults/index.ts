/**
 * The fault kinds, assembled from their declarations (one file per family, each declaration next to
 * its schema). `FaultSpec`, `FaultKind` and the schema map are derived from this one list; the
 * driver registry in src/activities/faults is typed against it, so a declared kind without a driver
 * fails to compile.
 */
import { z } from 'zod';
import { CONTAINER_FAULTS } from './container';
import type { FaultDeclaration } from './kind';
import { NETWORK_FAULTS } from './network';
import { PROCESS_KILL } from './process';
import { MEMBERSHIP_SURGE } from './surge';
import type { Target } from '../target';

export type { FaultDeclaration, FaultPort, ServiceRef, TargetShape } from './kind';

/** In this order in the JSON Schema, the docs table and the unknown-kind message. */
export const FAULT_DECLARATION_LIST = [...CONTAINER_FAULTS, ...NETWORK_FAULTS, MEMBERSHIP_SURGE, PROCESS_KILL] as const;

type Declared = (typeof FAULT_DECLARATION_LIST)[number];
export type FaultKind = Declared['kind'];
/** The declaration of one kind with its concrete schema and port list. */
export type FaultDeclarationOf<K extends FaultKind> = Extract<Declared, { kind: K }>;

export const FAULT_KINDS: FaultKind[] = FAULT_DECLARATION_LIST.map((d) => d.kind);

type SchemaMap = { [K in FaultKind]: FaultDeclarationOf<K>['schema'] };
// Built from the list, so it cannot name a kind the list does not; the registry test checks the order.
export const FAULT_SCHEMAS = Object.fromEntries(FAULT_DECLARATION_LIST.map((d) => [d.kind, d.schema])) as SchemaMap;

type Schema = Declared['schema'];
const schemas = FAULT_DECLARATION_LIST.map((d): Schema => d.schema);
export const FaultSpec = z.discriminatedUnion('kind', schemas as [Schema, ...Schema[]]);
export type FaultSpec = z.infer<typeof FaultSpec>;
export type FaultOf<K extends FaultKind> = Extract<FaultSpec, { kind: K }>;

/** Kinds that act on a container's lifecycle through the Docker API. */
export type ContainerFaultKind = Extract<FaultKind, `container-${string}`>;
export const CONTAINER_FAULT_KINDS = FAULT_KINDS.filter((k): k is ContainerFaultKind => k.startsWith('container-'));

type DeclarationMap = { [K in FaultKind]: FaultDeclaration<FaultOf<K>> };
const DECLARATIONS = Object.fromEntries(FAULT_DECLARATION_LIST.map((d) => [d.kind, d])) as unknown as DeclarationMap;

/** Indexing the mapped type with a generic key keeps each declaration paired with its own spec type. */
export function faultDeclaration<K extends FaultKind>(kind: K): FaultDeclaration<FaultOf<K>> {
  return DECLARATIONS[kind];
}

export function describeFault(f: FaultSpec): string {
  return faultDeclaration(f.kind).describe(f);
}

/** The fault's container target; undefined for a kind that acts on the worker's host. */
export function faultTarget(f: FaultSpec): Target | undefined {
  const shape = faultDeclaration(f.kind).target;
  return shape.on === 'containers' ? shape.of(f) : undefined;
}
