import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { FaultlineError, ValidationError } from '../../errors';
import { formatPath } from '../issues';
import { DependsOn, Healthcheck, ServiceNetworks, VolumeRef } from './fields';
import { type ComposePolicy, bindRefusal, policyFromEnv, realPath, within } from './mount-policy';
import { ComposeModel } from './schema';

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
      if (!(n in networks)) problems.push(`${at}.networks.${n}: undefined network "${n}"; declare it under top-level "networks"`);
    }
    (Array.isArray(raw.volumes) ? raw.volumes : []).forEach((v, i) => {
      const m = ok(VolumeRef, v);
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
      return i.keys.map((k) => `${formatPath([...path, k])}: unsupported compose key "${k}" (${i.message})`);
    }
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const types = i.errors.map((e) => (e.length === 1 && e[0].code === 'invalid_type' && e[0].path.length === 0 ? e[0].expected : undefined));
      if (types.every(Boolean)) return [`${formatPath(path)}: expected ${[...new Set(types)].join(' or ')}`];
      const deepest = [...i.errors].sort((a, b) => Math.max(...b.map((e) => e.path.length)) - Math.max(...a.map((e) => e.path.length)))[0];
      return composeProblems(deepest, path);
    }
    return [`${formatPath(path)}: ${i.message}`];
  });
}

/** Validates compose text; bind sources are resolved against `baseDir` (the compose file's folder). */
export function parseCompose(text: string, source: string, baseDir: string, policy: ComposePolicy = policyFromEnv()): ComposeModel {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ValidationError(source, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ValidationError(source, ['(root): expected a mapping with "services"']);
  const clean = withoutExtensions(data as Record<string, unknown>);
  const r = ComposeModel.safeParse(clean);
  const problems = [...(r.success ? [] : composeProblems(r.error.issues)), ...crossReferences(clean)];
  if (!r.success || problems.length > 0) throw new ValidationError(source, [...new Set(problems)]);
  for (const s of Object.values(r.data.services)) {
    for (const m of s.volumes) if (m.type === 'bind' && !isAbsolute(m.source)) m.source = resolve(baseDir, m.source);
  }
  const refused = [...mountProblems(r.data, baseDir, policy), ...reservedLabels(r.data)];
  if (refused.length > 0) throw new ValidationError(source, refused);
  return { ...r.data, source, baseDir };
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

export function loadComposeFile(given: string, policy?: ComposePolicy): ComposeModel {
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
  return parseCompose(text, path, dirname(resolve(path)), policy);
}
