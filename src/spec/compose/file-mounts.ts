/**
 * `configs` and `secrets`: files the compose file names at the top level (`file: ./x`) and that
 * services mount, short (`- name`) or long (`- source: name, target: /path`). On one engine compose
 * bind-mounts them read-only, and so does Faultline: each becomes a read-only bind of the file,
 * judged by the same rule as a bind mount (under the compose file's folder or an allowed root,
 * never a host system path). Configs go to `/<name>` by default, secrets under `/run/secrets/`.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';
import { z } from 'zod';
import type { Mount } from './fields';
import { strict } from './fields';
import { type ComposePolicy, bindRefusal } from './mount-policy';

export type FileKind = 'configs' | 'secrets';

/** A top-level entry; only `file` can be honoured, the others are refused with the reason in `fileMountProblems`. */
export const FileDef = strict({
  file: z.string().min(1).optional(),
  name: z.string().optional(),
  external: z.unknown().optional(),
  content: z.unknown().optional(),
  environment: z.unknown().optional(),
  driver: z.unknown().optional(),
  template_driver: z.unknown().optional(),
  labels: z.unknown().optional(),
});
export type FileDef = z.output<typeof FileDef>;

/** A service's reference, short (`- name`) or long; out: source and the target as written. */
export const FileRef = z
  .union([
    z.string().min(1),
    strict({
      source: z.string().min(1),
      target: z.string().min(1).optional(),
      uid: z.union([z.string(), z.number()]).optional(),
      gid: z.union([z.string(), z.number()]).optional(),
      mode: z.union([z.string(), z.number()]).optional(),
    }),
  ])
  .transform((r) => (typeof r === 'string' ? { source: r } : r));
export type FileRef = z.output<typeof FileRef>;

const WHY_NOT: Record<string, string> = {
  external: 'is refused: an external config or secret lives in a swarm, and a stack on one engine has none; give it a "file"',
  content: 'is not supported: give the content in a file next to the compose file and name it with "file"',
  environment: 'is not supported: the host environment is not passed into stacks; put the value in a file and name it with "file"',
  driver: 'is not supported: secret drivers are swarm plugins; give it a "file"',
  template_driver: 'is not supported: templating is a swarm feature; give it a "file"',
};

/** Where the file appears in the container, as compose places it. */
export function fileTarget(kind: FileKind, ref: FileRef): string {
  const t = ref.target ?? ref.source;
  if (kind === 'secrets') return posix.isAbsolute(t) ? t : posix.join('/run/secrets', t);
  return posix.isAbsolute(t) ? t : `/${t}`;
}

/** Problems of the top-level definitions, and of each service's references; path-qualified. */
export function fileMountProblems(
  defs: Record<FileKind, Record<string, FileDef>>,
  services: Record<string, { files: Record<FileKind, FileRef[]> }>,
  baseDir: string,
  policy: ComposePolicy,
): string[] {
  const problems: string[] = [];
  for (const kind of ['configs', 'secrets'] as const) {
    for (const [name, def] of Object.entries(defs[kind])) {
      const at = `${kind}.${name}`;
      const refused = Object.keys(WHY_NOT).filter((k) => def[k as keyof FileDef] !== undefined);
      for (const k of refused) problems.push(`${at}.${k}: "${k}" ${WHY_NOT[k]}`);
      if (refused.length > 0) continue;
      if (def.file === undefined) {
        problems.push(`${at}: needs "file" (the path of the file to mount, relative to the compose file)`);
        continue;
      }
      const path = resolve(baseDir, def.file);
      const why = bindRefusal(path, baseDir, policy);
      if (why) problems.push(`${at}.file: ${why.replace(/^bind mount of/, `${kind === 'configs' ? 'config' : 'secret'} file`)}`);
      else if (!existsSync(path)) problems.push(`${at}.file: ${path} does not exist`);
      else if (!statSync(path).isFile() && !statSync(path).isDirectory()) problems.push(`${at}.file: ${path} is neither a file nor a folder`);
    }
  }
  for (const [service, svc] of Object.entries(services)) {
    for (const kind of ['configs', 'secrets'] as const) {
      svc.files[kind].forEach((ref, i) => {
        const at = `services.${service}.${kind}[${i}]`;
        if (!(ref.source in defs[kind])) problems.push(`${at}: undefined ${kind === 'configs' ? 'config' : 'secret'} "${ref.source}"; declare it under top-level "${kind}"`);
        for (const k of ['uid', 'gid', 'mode'] as const) {
          if (ref[k] !== undefined) {
            problems.push(`${at}.${k}: cannot be honoured: the file is bind-mounted read-only with its owner and mode on the host (set them there)`);
          }
        }
      });
    }
  }
  return problems;
}

/** The read-only binds of a service's configs and secrets (definitions already checked). */
export function fileMounts(defs: Record<FileKind, Record<string, FileDef>>, files: Record<FileKind, FileRef[]>, baseDir: string): Mount[] {
  return (['configs', 'secrets'] as const).flatMap((kind) =>
    files[kind].map((ref): Mount => {
      const file = defs[kind][ref.source].file ?? '';
      return { type: 'bind', source: isAbsolute(file) ? file : resolve(baseDir, file), target: fileTarget(kind, ref), readOnly: true };
    }),
  );
}
