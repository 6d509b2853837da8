import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { FaultlineError, ValidationError } from '../../errors';
import { formatPath } from '../issues';
import { buildProblems } from './build';
import { DependsOn, Healthcheck, ServiceNetworks } from './fields';
import { VolumeEntry } from './long-syntax';
import { fileMountProblems, fileMounts } from './file-mounts';
import { type ComposePolicy, bindRefusal, policyFromEnv, realPath, within } from './mount-policy';
import { type Vars, interpolate, parseEnvFile } from './interpolate';
import { REFUSED_SERVICE_KEYS } from './runtime-fields';
import { ComposeModel, REFUSED_TOP_KEYS } from './schema';

/**
 * Runs on the raw data, field by field, so a reference problem is reported together with every
 * other problem instead of only once the rest of the service is valid.
 */
function crossReferences(data: Record<string, unknown>): string[] {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const ok = <T>(schema: z.ZodType<T>, v: unknown): T | undefined => (v === undefined ? undefined : schema.safeParse(v).data);
  const services = obj(data.services);
  const networks = obj(data.networks);
  const volumes = obj(data.volumes);
  const problems: string[] = [];
  const names = new Map<string, string>();
  for (const [name, raw] of Object.entries(services).map(([n, s]) => [n, obj(s)] as const)) {
    const at = `services.${name}`;
    for (const n of Object.keys(ok(ServiceNetworks, raw.networks) ?? {})) {
      // `default` is the project's implicit network: a service may name it (with aliases) undeclared, as with compose.
      if (!(n in networks) && n !== 'default') problems.push(`${at}.networks.${n}: undefined network "${n}"; declare it under top-level "networks"`);
    }
    (Array.isArray(raw.volumes) ? raw.volumes : []).forEach((v, i) => {
      const m = ok(VolumeEntry, v);
      if (m?.type === 'volume' && !(m.source in volumes)) problems.push(`${at}.volumes[${i}]: undefined volume "${m.source}"; declare it under top-level "volumes"`);
    });
    for (const [dep, cond] of Object.entries(ok(DependsOn, raw.depends_on) ?? {})) {
      if (!(dep in services) || dep === name) problems.push(`${at}.depends_on.${dep}: unknown service "${dep}"`);
      else if (cond === 'service_healthy' && ok(Healthcheck, obj(services[dep]).healthcheck)?.disabled) {
        problems.push(`${at}.depends_on.${dep}: condition service_healthy, but "${dep}" has its healthcheck disabled`);
      }
    }
    const cn = raw.container_name;
    if (typeof cn === 'string' && names.has(cn)) problems.push(`${at}.container_name: "${cn}" is also used by ${names.get(cn)}`);
    if (typeof cn === 'string') names.set(cn, name);
  }
  return problems;
}

/** One line per problem; an unknown key names the keys allowed at that place. */
function composeProblems(issues: z.core.$ZodIssue[], base: PropertyKey[] = []): string[] {
  return issues.flatMap((i): string[] => {
    const path = [...base, ...i.path];
    if (i.code === 'unrecognized_keys') {
      const refused = path.length === 0 ? REFUSED_TOP_KEYS : path.length === 2 && path[0] === 'services' ? REFUSED_SERVICE_KEYS : {};
      return i.keys.map((k) =>
        k in refused ? `${formatPath([...path, k])}: "${k}" is ${refused[k]}` : `${formatPath([...path, k])}: unsupported compose key "${k}" (${i.message})`,
      );
    }
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const types = i.errors.map((e) => (e.length === 1 && e[0].code === 'invalid_type' && e[0].path.length === 0 ? e[0].expected : undefined));
      if (types.every(Boolean)) return [`${formatPath(path)}: expected ${[...new Set(types)].join(' or ')}`];
      // The branch that got furthest: the deepest path, and at equal depth one that matched the type (say an object with a bad key, not "expected string").
      const depth = (errs: z.core.$ZodIssue[]) => Math.max(...errs.map((e) => e.path.length)) + (errs.every((e) => e.code === 'invalid_type' && e.path.length === 0) ? 0 : 0.5);
      const deepest = [...i.errors].sort((a, b) => depth(b) - depth(a))[0];
      return composeProblems(deepest, path);
    }
    return [`${formatPath(path)}: ${i.message}`];
  });
}

/**
 * Validates compose text; bind sources and env files are resolved against `baseDir` (the compose
 * file's folder). `vars` are the interpolation values (`loadComposeFile` passes the process
 * environment over the `.env` file); without them every `${VAR}` is unset.
 */
export function parseCompose(text: string, source: string, baseDir: string, policy: ComposePolicy = policyFromEnv(), vars: Vars = {}): ComposeModel {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ValidationError(source, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ValidationError(source, ['(root): expected a mapping with "services"']);
  const interpolated = interpolate(withoutExtensions(data as Record<string, unknown>), vars);
  if (interpolated.problems.length > 0) throw new ValidationError(source, interpolated.problems);
  const clean = interpolated.value as Record<string, unknown>;
  const r = ComposeModel.safeParse(clean);
  const problems = [...(r.success ? [] : composeProblems(r.error.issues)), ...crossReferences(clean)];
  if (!r.success || problems.length > 0) throw new ValidationError(source, [...new Set(problems)]);
  for (const s of Object.values(r.data.services)) {
    for (const m of s.volumes) if (m.type === 'bind' && !isAbsolute(m.source)) m.source = resolve(baseDir, m.source);
  }
  const refused = [
    ...mountProblems(r.data, baseDir, policy),
    ...volumeDriverProblems(r.data, baseDir, policy),
    ...reservedLabels(r.data),
    ...replicaProblems(r.data),
    ...readEnvFiles(r.data, baseDir, policy, vars),
    ...fileMountProblems(r.data.files, r.data.services, baseDir, policy),
    ...buildProblems(r.data.services, baseDir, policy),
  ];
  if (refused.length > 0) throw new ValidationError(source, refused);
  for (const svc of Object.values(r.data.services)) svc.volumes.push(...fileMounts(r.data.files, svc.files, baseDir));
  const clashes = mountTargetClashes(r.data);
  if (clashes.length > 0) throw new ValidationError(source, clashes);
  return { ...r.data, warnings: interpolated.warnings, source, baseDir };
}

/** env_file entries are read now, in order, under the service's own `environment`. Their paths obey the bind-mount rule: their content enters the container. */
function readEnvFiles(model: z.output<typeof ComposeModel>, baseDir: string, policy: ComposePolicy, vars: Vars): string[] {
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(model.services)) {
    const merged: Record<string, string> = {};
    svc.envFiles.forEach((f, i) => {
      const at = `services.${name}.env_file${svc.envFiles.length > 1 || i > 0 ? `[${i}]` : ''}`;
      const path = resolve(baseDir, f.path);
      const why = bindRefusal(path, baseDir, policy);
      if (why) return void problems.push(`${at}: ${why.replace(/^bind mount of/, 'env file')}`);
      if (!existsSync(path)) return void (f.required ? problems.push(`${at}: env file ${path} does not exist`) : undefined);
      const r = parseEnvFile(readFileSync(path, 'utf8'), f.path, vars);
      problems.push(...r.problems.map((p) => `${at}: ${p}`));
      Object.assign(merged, r.values);
    });
    svc.environment = { ...merged, ...svc.environment };
  }
  return problems;
}

/**
 * A local volume's driver options can mount a host folder (`o: bind`, `device: /path`), so the
 * device obeys the bind-mount rule; `tmpfs` is fine; anything else (nfs, a block device) is refused.
 */
function volumeDriverProblems(model: z.output<typeof ComposeModel>, baseDir: string, policy: ComposePolicy): string[] {
  return Object.entries(model.volumes).flatMap(([name, v]) => {
    const o = v.options;
    if (Object.keys(o).length === 0) return [];
    const at = `volumes.${name}.driver_opts`;
    const bind = (o.o ?? '').split(',').includes('bind');
    if (o.type === 'tmpfs' && !bind) return [];
    if ((o.type === 'none' || o.type === undefined) && bind && o.device) {
      const why = bindRefusal(resolve(baseDir, o.device), baseDir, policy);
      return why ? [`${at}.device: ${why}`] : [];
    }
    return [`${at}: only "type: tmpfs" or a bind of a host folder ("type: none", "o: bind", "device: ./dir") are supported; other types mount devices or network shares`];
  });
}

/** One name, one fixed host port and one static address cannot be shared by several containers. */
function replicaProblems(model: z.output<typeof ComposeModel>): string[] {
  return Object.entries(model.services).flatMap(([name, s]) => {
    if (s.replicas <= 1) return [];
    const at = `services.${name}`;
    return [
      ...(s.containerName ? [`${at}.container_name: a service with ${s.replicas} replicas cannot give them all one container name`] : []),
      ...s.ports.flatMap((p, i) => (p.hostPort !== undefined ? [`${at}.ports[${i}]: host port ${p.hostPort} cannot be bound by ${s.replicas} replicas; leave the host port out`] : [])),
      ...Object.keys(s.addresses).map((n) => `${at}.networks.${n}: a static address cannot be given to ${s.replicas} replicas`),
    ];
  });
}

/** Two mounts (volumes, configs, secrets) on one container path: Docker would refuse the container at create. */
function mountTargetClashes(model: z.output<typeof ComposeModel>): string[] {
  return Object.entries(model.services).flatMap(([name, svc]) => {
    const seen = new Set<string>();
    const clashes: string[] = [];
    for (const m of svc.volumes) {
      const t = m.target.replace(/\/+$/, '') || '/';
      if (seen.has(t)) clashes.push(`services.${name}: two mounts (volumes, configs or secrets) target ${t}`);
      seen.add(t);
    }
    return clashes;
  });
}

function mountProblems(model: z.output<typeof ComposeModel>, baseDir: string, policy: ComposePolicy): string[] {
  return Object.entries(model.services).flatMap(([name, svc]) =>
    svc.volumes.flatMap((m, i) => {
      const why = m.type === 'bind' ? bindRefusal(m.source, baseDir, policy) : undefined;
      return why ? [`services.${name}.volumes[${i}]: ${why}`] : [];
    }),
  );
}

/** Faultline finds its own containers, helpers and fault records by these labels; a stack may not forge them. */
function reservedLabels(model: z.output<typeof ComposeModel>): string[] {
  const bad = (at: string, labels: Record<string, string>) =>
    Object.keys(labels)
      .filter((k) => k.startsWith('faultline.'))
      .map((k) => `${at}.labels.${k}: labels starting with "faultline." are Faultline's own and cannot be set in a compose file`);
  return [
    ...Object.entries(model.services).flatMap(([n, s]) => bad(`services.${n}`, s.labels)),
    ...Object.entries(model.services).flatMap(([n, s]) => (s.build ? bad(`services.${n}.build`, s.build.labels) : [])),
    ...Object.entries(model.networks).flatMap(([n, d]) => bad(`networks.${n}`, d.labels)),
    ...Object.entries(model.volumes).flatMap(([n, d]) => bad(`volumes.${n}`, d.labels)),
  ];
}

/** `x-*` keys hold YAML anchors for reuse; compose ignores them at the top level and in services. */
function withoutExtensions(data: Record<string, unknown>): Record<string, unknown> {
  const strip = (o: unknown) =>
    o && typeof o === 'object' && !Array.isArray(o) ? Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('x-'))) : o;
  const top = strip(data) as Record<string, unknown>;
  const services = top.services;
  if (services && typeof services === 'object' && !Array.isArray(services)) {
    top.services = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, strip(s)]));
  }
  return top;
}

/**
 * The Faultline install (src/spec/compose and dist/spec/compose are both three levels down). A
 * relative compose path in workflow input is resolved from here, not from whatever folder the
 * worker was started in, so the named scenario types can carry portable paths.
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

export function loadComposeFile(given: string, policy?: ComposePolicy, env: NodeJS.ProcessEnv = process.env): ComposeModel {
  const path = isAbsolute(given) ? given : resolve(PROJECT_ROOT, given);
  if (policy?.composeRoots) {
    // Judged on the real path, so a link inside a root cannot lead out of it; nothing is read first.
    const roots = [PROJECT_ROOT, ...policy.composeRoots].map(realPath);
    if (!roots.some((r) => within(realPath(path), r))) {
      throw new FaultlineError('ComposeRefused', `compose file ${path} is outside the folders this worker reads compose files from (${roots.join(', ')})`, {
        retryable: false,
        hint: "add its folder to compose.roots in the worker's policy (or FAULTLINE_COMPOSE_ROOTS)",
      });
    }
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValidationError(path, [`cannot read the compose file: ${(e as Error).message}`]);
  }
  const baseDir = dirname(resolve(path));
  return parseCompose(text, path, baseDir, policy, interpolationVars(baseDir, env));
}

/**
 * What `${VAR}` sees, as with compose: the `.env` file beside the compose file, overridden by the
 * environment of the process reading it (the CLI for plan and preflight, the worker for a run).
 */
export function interpolationVars(baseDir: string, env: NodeJS.ProcessEnv = process.env): Vars {
  const file = resolve(baseDir, '.env');
  if (!existsSync(file)) return { ...env };
  const r = parseEnvFile(readFileSync(file, 'utf8'), file, env);
  if (r.problems.length > 0) throw new ValidationError(file, r.problems);
  return { ...r.values, ...env };
}
