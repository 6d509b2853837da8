/**
 * A service's `build`: a folder on this machine (the context) and a Dockerfile in it, built through
 * the Docker API by stack up (src/activities/stack/build.ts) before the images are checked. The
 * context is sent to the engine, so it obeys the bind-mount rule: under the compose file's folder
 * or an allowed root, never a host system path. Remote contexts (git, URLs) cannot be fetched here.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { Labels, keyValues, strict } from './fields';
import { type ComposePolicy, bindRefusal, realPath, within } from './mount-policy';

export const Build = z
  .union([
    z.string().min(1),
    strict({
      context: z.string().min(1).optional(),
      dockerfile: z.string().min(1).optional(),
      args: keyValues('build arg', true).optional(),
      target: z.string().min(1).optional(),
      labels: Labels.optional(),
      no_cache: z.boolean().optional(),
    }),
  ])
  .transform((b) => {
    const o = typeof b === 'string' ? { context: b } : b;
    return {
      /** As written; made absolute by `buildProblems`. */
      context: o.context ?? '.',
      /** Relative to the context, "/"-separated, as the Docker API takes it. */
      dockerfile: o.dockerfile ?? 'Dockerfile',
      args: 'args' in o ? (o.args ?? {}) : {},
      target: 'target' in o ? o.target : undefined,
      labels: 'labels' in o ? (o.labels ?? {}) : {},
      noCache: 'no_cache' in o ? (o.no_cache ?? false) : false,
    };
  });
export type BuildSpec = z.output<typeof Build>;

const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

/** Resolves each build context against the compose folder and reports what cannot be built; path-qualified. */
export function buildProblems(services: Record<string, { build?: BuildSpec }>, baseDir: string, policy: ComposePolicy): string[] {
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(services)) {
    const b = svc.build;
    if (!b) continue;
    const at = `services.${name}.build`;
    if (REMOTE.test(b.context)) {
      problems.push(`${at}.context: remote context "${b.context}" is not supported: only a folder on this machine can be sent to the engine`);
      continue;
    }
    const context = resolve(baseDir, b.context);
    const why = bindRefusal(context, baseDir, policy);
    if (why) {
      problems.push(`${at}.context: ${why.replace(/^bind mount of/, 'build context')}`);
      continue;
    }
    if (!existsSync(context) || !statSync(context).isDirectory()) {
      problems.push(`${at}.context: ${context} is not a folder`);
      continue;
    }
    const dockerfile = resolve(context, b.dockerfile);
    if (!within(realPath(dockerfile), realPath(context))) {
      problems.push(`${at}.dockerfile: "${b.dockerfile}" is outside the build context ${context}; move it into the context`);
    } else if (!existsSync(dockerfile) || !statSync(dockerfile).isFile()) {
      problems.push(`${at}.dockerfile: ${dockerfile} does not exist`);
    } else {
      b.context = context;
      b.dockerfile = relative(context, dockerfile).split(sep).join('/');
    }
  }
  return problems;
}
