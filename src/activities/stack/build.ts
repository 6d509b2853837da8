/**
 * Builds the images of services with `build`, through the Docker API (a tar of the context, as
 * `docker build` sends it), before stack up checks that every image exists. The image is tagged
 * `image:` when the service names one, else `<project>-<service>` as compose names it. An image
 * carries the hash of everything that went into it (the context's files, the Dockerfile path,
 * args, target, labels); when an image with that hash exists it is tagged again instead of rebuilt,
 * so a second run of the same stack, or a retried stack up, does not rebuild.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import type { ComposeModel, ComposeService } from '../../spec/compose';

export const BUILD_INPUTS_LABEL = 'faultline.build.inputs';
/** A context this large is almost surely the wrong folder (a home directory, a repository root with node_modules). */
const MAX_CONTEXT_FILES = 20_000;

export const builtImageName = (project: string, service: string, svc: ComposeService): string =>
  svc.image !== '' ? svc.image : `${project}-${service}`.toLowerCase();

/** Every entry under the context, "/"-separated and sorted, folders included (tar needs them for empty ones). */
function contextEntries(context: string, service: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(context, rel), { withFileTypes: true })) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      out.push(path);
      if (out.length > MAX_CONTEXT_FILES) {
        throw new FaultlineError('ComposeRefused', `services.${service}.build.context: ${context} holds more than ${MAX_CONTEXT_FILES} files; point it at the folder with the Dockerfile`, {
          retryable: false,
        });
      }
      if (e.isDirectory()) walk(path);
    }
  };
  walk('');
  return out.sort();
}

/** Content hash of the build's inputs; links are hashed as links (tar sends them so, unfollowed). */
export function buildInputsHash(svc: ComposeService, entries: string[]): string {
  const b = svc.build;
  if (!b) throw new Error('buildInputsHash: the service has no build');
  const h = createHash('sha256');
  h.update(JSON.stringify({ dockerfile: b.dockerfile, args: b.args, target: b.target ?? null, labels: b.labels }));
  for (const e of entries) {
    const p = join(b.context, e);
    const st = lstatSync(p);
    h.update(`\0${e}\0${st.mode}\0`);
    if (st.isSymbolicLink()) h.update(readlinkSync(p));
    else if (st.isFile()) h.update(readFileSync(p));
  }
  return h.digest('hex').slice(0, 32);
}

function splitTag(image: string): { repo: string; tag: string } {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? { repo: image.slice(0, colon), tag: image.slice(colon + 1) } : { repo: image, tag: 'latest' };
}

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * The engine's classic builder leaves the result of every stage that the final image does not
 * build on as an untagged image, and a rebuild leaves the image that lost its tag. Those that have
 * no tag now are removed; Docker itself refuses (409) any that a container or another image uses.
 */
async function pruneUntagged(docker: Docker, ids: Iterable<string>): Promise<void> {
  for (const id of new Set(ids)) {
    const info = await docker
      .getImage(id)
      .inspect()
      .catch(() => undefined);
    if (!info || (info.RepoTags ?? []).some((t) => t !== '<none>:<none>')) continue;
    await docker
      .getImage(info.Id)
      .remove()
      .catch(() => undefined);
  }
}

async function runBuild(docker: Docker, svc: ComposeService, entries: string[], name: string, hash: string, signal?: AbortSignal): Promise<void> {
  const b = svc.build;
  if (!b) return;
  const previous = await docker
    .getImage(name)
    .inspect()
    .then((i) => i.Id)
    .catch(() => undefined);
  const stream = await docker.buildImage(
    { context: b.context, src: entries },
    {
      t: name,
      dockerfile: b.dockerfile,
      buildargs: b.args,
      ...(b.target ? { target: b.target } : {}),
      labels: { ...b.labels, [BUILD_INPUTS_LABEL]: hash },
      nocache: b.noCache,
      rm: true,
      forcerm: true,
      ...(signal ? { abortSignal: signal } : {}),
    },
  );
  const events = await new Promise<BuildEvent[]>((ok, fail) => docker.modem.followProgress(stream, (err: Error | null, out: BuildEvent[]) => (err ? fail(err) : ok(out))));
  const failed = events.find((e) => e.error || e.errorDetail);
  const built = failed ? undefined : await docker.getImage(name).inspect();
  // Each step's result is printed as " ---> <id>"; the stage results among them may be left untagged.
  const steps = events.flatMap((e) => [...(e.stream ?? '').matchAll(/---> ([0-9a-f]{12,64})\b/g)].map((m) => m[1]));
  await pruneUntagged(docker, [...steps, ...(previous ? [previous] : [])].filter((id) => !built?.Id.includes(id)));
  if (failed) {
    const tail = events
      .flatMap((e) => (e.stream ?? '').split('\n'))
      .filter((l) => l.trim() !== '')
      .slice(-5);
    throw new FaultlineError('ImageBuildFailed', `building ${name} failed: ${failed.errorDetail?.message ?? failed.error}`, {
      context: { image: name, context: b.context, dockerfile: b.dockerfile, lastLines: tail },
      hint: `fix the Dockerfile and try again; the same build by hand: docker build -f ${b.dockerfile} ${b.context}`,
      retryable: false,
    });
  }
}

/**
 * Builds (or finds by hash and tags) the image of each service with `build`, and sets the
 * service's `image` to the built name so the rest of stack up uses it like any local image.
 */
export async function buildImages(
  docker: Docker,
  project: string,
  model: ComposeModel,
  services: string[],
  onProgress?: (msg: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  for (const service of services) {
    const svc = model.services[service];
    if (!svc.build) continue;
    const name = builtImageName(project, service, svc);
    const entries = contextEntries(svc.build.context, service);
    const hash = buildInputsHash(svc, entries);
    const cached = svc.build.noCache ? [] : await docker.listImages({ filters: { label: [`${BUILD_INPUTS_LABEL}=${hash}`] } });
    if (cached.length > 0) {
      const { repo, tag } = splitTag(name);
      if (!(cached[0].RepoTags ?? []).includes(`${repo}:${tag}`)) await docker.getImage(cached[0].Id).tag({ repo, tag });
      onProgress?.(`image ${name} for ${service} is up to date (inputs ${hash.slice(0, 12)})`);
    } else {
      onProgress?.(`building ${name} for ${service} from ${svc.build.context}`);
      await runBuild(docker, svc, entries, name, hash, signal);
    }
    svc.image = name;
  }
}
