/**
 * The long (mapping) syntax of `ports` and `volumes` entries, which many compose files use
 * instead of the short strings: each entry is brought to the same result as its short form, so
 * the same rules apply (ports on 127.0.0.1 only, binds under the compose folder). A long `tmpfs`
 * volume becomes a tmpfs mount, like the service's `tmpfs` key.
 */
import { z } from 'zod';
import { type Mount, VolumeRef, parsePort, strict } from './fields';
import { Bytes } from './runtime-fields';

type Ctx = { addIssue: (i: { code: 'custom'; message: string }) => void };
function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

const LongPort = strict({
  target: z.number().int().min(1).max(65535),
  published: z.union([z.string(), z.number().int()]).optional(),
  host_ip: z.string().optional(),
  protocol: z.enum(['tcp', 'udp']).optional(),
  // One engine: "ingress" and "host" publish the same way; a name is a label for people.
  mode: z.enum(['host', 'ingress']).optional(),
  name: z.string().optional(),
  app_protocol: z.string().optional(),
});

/** A `ports` entry, short (`"127.0.0.1::8080"`) or long (`target: 8080`). */
export const PortEntry = z.union([z.string(), z.number().int(), LongPort]).transform((v, ctx) => {
  const short = typeof v === 'object' ? `${v.host_ip ?? '127.0.0.1'}:${v.published ?? ''}:${v.target}/${v.protocol ?? 'tcp'}` : String(v);
  const p = parsePort(short);
  return typeof p === 'string' ? fail(ctx, p) : p;
});

export interface TmpfsMount {
  type: 'tmpfs';
  target: string;
  /** Docker's tmpfs options, e.g. "size=8388608,mode=1777". */
  options: string;
}

const LongVolume = strict({
  type: z.enum(['bind', 'volume', 'tmpfs']),
  source: z.string().min(1).optional(),
  target: z.string().min(1),
  read_only: z.boolean().optional(),
  bind: strict({
    propagation: z.enum(['private', 'rprivate'], { error: 'only "private" or "rprivate": shared propagation would carry mounts between the container and the host' }).optional(),
    create_host_path: z.boolean().optional(),
  }).optional(),
  volume: strict({ nocopy: z.literal(false, { error: 'nocopy: true is not supported (the volume is filled from the image, as by default)' }).optional() }).optional(),
  tmpfs: strict({
    size: Bytes.optional(),
    // Octal, as compose writes it ("1777", 1777 or 0o1777 all mean rwxrwxrwt).
    mode: z.union([z.string().regex(/^(0o?)?[0-7]{3,4}$/, 'an octal mode like "1777"'), z.number().int().nonnegative()]).optional(),
  }).optional(),
  // Changes nothing on Linux.
  consistency: z.string().optional(),
});

/** A `volumes` entry, short (`"./dir:/path:ro"`) or long (`type: bind` ...). */
export const VolumeEntry = z.union([VolumeRef, LongVolume]).transform((v, ctx): Mount | TmpfsMount => {
  if ('readOnly' in v) return v; // the short form, already checked
  if (!v.target.startsWith('/')) return fail(ctx, `volume target "${v.target}" must be an absolute path`);
  if (v.type === 'tmpfs') {
    if (v.source !== undefined) return fail(ctx, 'a tmpfs volume has no "source"');
    const mode = v.tmpfs?.mode === undefined ? undefined : typeof v.tmpfs.mode === 'number' ? String(v.tmpfs.mode) : v.tmpfs.mode.replace(/^0o?/, '');
    const options = [...(v.tmpfs?.size !== undefined ? [`size=${v.tmpfs.size}`] : []), ...(mode ? [`mode=${mode}`] : []), ...(v.read_only ? ['ro'] : [])];
    return { type: 'tmpfs', target: v.target, options: options.join(',') };
  }
  if (v.source === undefined) return fail(ctx, v.type === 'volume' ? 'a named volume needs "source" (anonymous volumes are not supported; name it)' : 'a bind needs "source"');
  if (v.type === 'bind' && v.source.startsWith('~')) return fail(ctx, `"~" paths are not supported in "${v.source}"; use a path relative to the compose file`);
  if (v.type === 'volume' && /[/.]/.test(v.source[0])) return fail(ctx, `"${v.source}" is a path; use type: bind for a host folder`);
  return { type: v.type, source: v.source, target: v.target, readOnly: v.read_only ?? false };
});
