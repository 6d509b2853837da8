/**
 * The worker's own policy: what a scenario may make THIS worker do on its host, decided by the
 * worker's operator and never by the scenario. Anyone who can reach the Temporal namespace can
 * start a run, so host-level faults are off unless enabled here with a process allowlist, restart
 * commands come only from here (by name), and compose files named in workflow input are read only
 * from the roots listed here. Read from a YAML/JSON file (`faultline worker --config FILE`,
 * `faultline run --worker-config FILE`, FAULTLINE_WORKER_CONFIG) plus environment lists.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { ComposePolicy } from '../spec/compose/mount-policy';
import { type PortRange, parsePortEntry } from '../spec/host-ports';

/** A port, a range `"from-to"` or `"*"`, parsed into a range. */
const HostPortEntry = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const r = parsePortEntry(v);
  if (!r) ctx.addIssue({ code: 'custom', message: `"${v}" is not a port (1-65535), a range "from-to" or "*"` });
  return r ?? { from: 0, to: -1 };
});

const AbsPath = z.string().min(1).refine(isAbsolute, { message: 'must be an absolute path' });

export const WorkerPolicy = z
  .object({
    hostFaults: z
      .object({
        /** Host-level kinds (process-kill) run only when this is true. */
        enabled: z.boolean().default(false),
        /** Exact process names (as in /proc/<pid>/comm) a host fault may signal; "*" allows any name not always refused. */
        processes: z.array(z.string().min(1)).default([]),
        /** Restart commands by name: `restarts: { my-daemon: [/usr/sbin/my-daemon, --flag] }`. */
        restarts: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
      })
      .strict()
      .default({ enabled: false, processes: [], restarts: {} }),
    compose: z
      .object({
        /** Folders a compose file named in workflow input may be read from (the Faultline folder is always one). */
        roots: z.array(AbsPath).default([]),
        /** Host folders, besides the compose file's own, that bind mounts may come from. */
        bindRoots: z.array(AbsPath).default([]),
      })
      .strict()
      .default({ roots: [], bindRoots: [] }),
    probes: z
      .object({
        /**
         * Loopback ports that probes, workloads and checks given as host:port or URL may reach,
         * besides the ports of their own stack: `5432`, `"8000-8099"`, or `"*"` for any.
         */
        hostPorts: z.array(HostPortEntry).default([]),
      })
      .strict()
      .default({ hostPorts: [] }),
  })
  .strict();
export type WorkerPolicy = z.output<typeof WorkerPolicy>;
export type HostFaultPolicy = WorkerPolicy['hostFaults'];

/** Nothing host-level allowed; compose files only from the Faultline folder. */
export const DEFAULT_POLICY: WorkerPolicy = WorkerPolicy.parse({});

const list = (v: string | undefined, sep: string): string[] => (v ?? '').split(sep).map((s) => s.trim()).filter((s) => s !== '');

/** Parses a policy file's text; every problem is listed with its path. */
export function parsePolicy(text: string, source: string): WorkerPolicy {
  let data: unknown;
  try {
    data = parse(text) ?? {};
  } catch (e) {
    throw new ValidationError(source, [`not YAML or JSON: ${(e as Error).message}`]);
  }
  const r = WorkerPolicy.safeParse(data);
  if (!r.success) throw new ValidationError(source, r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`));
  return r.data;
}

/**
 * The file (given, else FAULTLINE_WORKER_CONFIG), then the environment's lists on top:
 * FAULTLINE_HOST_PROCESSES (names separated by ","; enables host faults), FAULTLINE_COMPOSE_ROOTS
 * and FAULTLINE_BIND_ROOTS (absolute folders separated by ":"), FAULTLINE_PROBE_PORTS (ports,
 * ranges or "*", separated by ",").
 */
export function loadWorkerPolicy(file?: string, env: NodeJS.ProcessEnv = process.env): WorkerPolicy {
  const path = file ?? env.FAULTLINE_WORKER_CONFIG;
  let policy = DEFAULT_POLICY;
  if (path) {
    let text: string;
    try {
      text = readFileSync(resolve(path), 'utf8');
    } catch (e) {
      throw new ValidationError(path, [`cannot read the worker config: ${(e as Error).message}`]);
    }
    policy = parsePolicy(text, path);
  }
  const processes = list(env.FAULTLINE_HOST_PROCESSES, ',');
  const composeRoots = list(env.FAULTLINE_COMPOSE_ROOTS, ':');
  const bindRoots = list(env.FAULTLINE_BIND_ROOTS, ':');
  const bad = [...composeRoots, ...bindRoots].filter((p) => !isAbsolute(p));
  if (bad.length > 0) throw new ValidationError('environment', bad.map((p) => `FAULTLINE_COMPOSE_ROOTS/FAULTLINE_BIND_ROOTS: "${p}" must be an absolute path`));
  const probePorts = list(env.FAULTLINE_PROBE_PORTS, ',');
  const badPorts = probePorts.filter((p) => parsePortEntry(p) === undefined);
  if (badPorts.length > 0) throw new ValidationError('environment', badPorts.map((p) => `FAULTLINE_PROBE_PORTS: "${p}" is not a port (1-65535), a range "from-to" or "*"`));
  return {
    hostFaults: {
      ...policy.hostFaults,
      enabled: policy.hostFaults.enabled || processes.length > 0,
      processes: [...policy.hostFaults.processes, ...processes],
    },
    compose: { roots: [...policy.compose.roots, ...composeRoots], bindRoots: [...policy.compose.bindRoots, ...bindRoots] },
    probes: { hostPorts: [...policy.probes.hostPorts, ...probePorts.map((p) => parsePortEntry(p) as PortRange)] },
  };
}

/**
 * The policy with more host ports for probes: `faultline run` lets its own in-process worker reach
 * the loopback ports its scenario names as host endpoints (the person running it wrote or chose
 * them, and the plan lists them); a standalone worker allows only what its operator configured.
 */
export function withHostPorts(policy: WorkerPolicy, ports: number[]): WorkerPolicy {
  return { ...policy, probes: { hostPorts: [...policy.probes.hostPorts, ...ports.map((p) => ({ from: p, to: p }))] } };
}

/** The policy with more compose roots (`faultline run` adds the folder of the scenario's own compose file). */
export function withComposeRoots(policy: WorkerPolicy, roots: string[]): WorkerPolicy {
  return { ...policy, compose: { ...policy.compose, roots: [...policy.compose.roots, ...roots] } };
}

/** What the compose reader takes from the policy: compose files only from its roots, binds from its bind roots. */
export function composePolicyOf(policy: WorkerPolicy): ComposePolicy {
  return { bindRoots: policy.compose.bindRoots, composeRoots: policy.compose.roots };
}
