/**
 * The `guardrails:` section of the worker policy (src/activities/policy.ts): what no scenario may
 * make this worker do, whatever it asks. Only the worker's operator sets it, through the policy
 * file and the worker's environment (FAULTLINE_ENVIRONMENT, FAULTLINE_CHAOS_ENABLED); nothing in a
 * scenario or in workflow input can loosen it.
 */
import { z } from 'zod';
import { Duration, toMs } from '../../spec/duration';

const Glob = z.string().min(1);

/** `key=value` matches that value, a bare `key` matches any value of that label. */
const LabelMatch = z
  .string()
  .min(1)
  .refine((s) => !s.startsWith('='), { message: 'expected "key" or "key=value"' });

export const TargetMatchers = z
  .object({
    /** Container names, with `*` and `?` globs. */
    names: z.array(Glob).default([]),
    /** Labels as `key=value` (that value) or `key` (any value). */
    labels: z.array(LabelMatch).default([]),
    /** Compose projects (`com.docker.compose.project` or `faultline.project`), with globs. */
    projects: z.array(Glob).default([]),
  })
  .strict();
export type TargetMatchers = z.output<typeof TargetMatchers>;

const NO_MATCHERS = { names: [], labels: [], projects: [] };
const positive = (what: string) => z.number().int(`${what} is a whole number`).min(1, `${what} is at least 1`);

export const GuardrailsSection = z
  .object({
    /** e.g. `staging`, `production`; FAULTLINE_ENVIRONMENT overrides it. */
    environment: z.string().min(1).optional(),
    /** Scenario names that may run when the environment is `production`; nothing else may. */
    allowProduction: z.array(z.string().min(1)).default([]),
    /** Faults on containers Faultline did not start need this (or FAULTLINE_CHAOS_ENABLED=true). */
    chaosEnabled: z.boolean().default(false),
    /** When any matcher is given, every target must match at least one of them. */
    allow: TargetMatchers.default(NO_MATCHERS),
    /** A target matching any of these is refused (on top of the built-in denies). */
    deny: TargetMatchers.default(NO_MATCHERS),
    blastRadius: z
      .object({
        /** Containers one fault may act on. */
        maxContainersPerFault: positive('maxContainersPerFault').optional(),
        /** Share (1-100) of one service's containers one fault may act on. */
        maxServicePercent: z.number().gt(0, 'maxServicePercent is more than 0').max(100, 'maxServicePercent is at most 100').optional(),
        /** Faults held at once by one run. */
        maxConcurrentFaultsPerRun: positive('maxConcurrentFaultsPerRun').optional(),
        /** Faults held at once across the Docker engine (every run, counted by their reverters). */
        maxConcurrentFaults: positive('maxConcurrentFaults').optional(),
        /** How long one fault may be held. */
        maxFaultDuration: Duration.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type GuardrailsSection = z.output<typeof GuardrailsSection>;

export const DEFAULT_GUARDRAILS: GuardrailsSection = GuardrailsSection.parse({});

/** What the decision module works from: the section with the environment's overrides applied. */
export interface GuardrailConfig {
  environment?: string;
  allowProduction: string[];
  chaosEnabled: boolean;
  allow: TargetMatchers;
  deny: TargetMatchers;
  maxContainersPerFault?: number;
  maxServicePercent?: number;
  maxConcurrentFaultsPerRun?: number;
  maxConcurrentFaults?: number;
  maxFaultDurationMs?: number;
}

/** Truthy spellings of FAULTLINE_CHAOS_ENABLED; anything else leaves the file's value. */
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** The worker's environment over the file: FAULTLINE_ENVIRONMENT replaces `environment`, FAULTLINE_CHAOS_ENABLED=true|false replaces `chaosEnabled`. */
export function withGuardrailEnv(section: GuardrailsSection, env: NodeJS.ProcessEnv): GuardrailsSection {
  const envName = env.FAULTLINE_ENVIRONMENT?.trim();
  const chaos = env.FAULTLINE_CHAOS_ENABLED?.trim().toLowerCase();
  const chaosEnabled = chaos !== undefined && TRUE.has(chaos) ? true : chaos !== undefined && FALSE.has(chaos) ? false : section.chaosEnabled;
  return { ...section, ...(envName ? { environment: envName } : {}), chaosEnabled };
}

/** The section flattened for the decision module. */
export function guardrailConfig(section: GuardrailsSection): GuardrailConfig {
  const b = section.blastRadius;
  return {
    environment: section.environment,
    allowProduction: section.allowProduction,
    chaosEnabled: section.chaosEnabled,
    allow: section.allow,
    deny: section.deny,
    maxContainersPerFault: b.maxContainersPerFault,
    maxServicePercent: b.maxServicePercent,
    maxConcurrentFaultsPerRun: b.maxConcurrentFaultsPerRun,
    maxConcurrentFaults: b.maxConcurrentFaults,
    maxFaultDurationMs: b.maxFaultDuration === undefined ? undefined : toMs(b.maxFaultDuration),
  };
}
