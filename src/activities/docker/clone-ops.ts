/**
 * The Docker port the membership-surge fault needs: clone a container (image, config, mounts, first
 * network) under a new name and labels, list clones by label, remove them. Kept apart from
 * ContainerOps, which only drives existing containers.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../../errors';
import { LABELS } from './labels';
import { statusOf } from './status';

export interface CloneSpec {
  /** Network alias the clone is reachable under; the container is `<project>-<alias>`. */
  alias: string;
  cmd?: string[];
  labels: Record<string, string>;
}

export interface CloneOps {
  /**
   * Creates (unless it exists) and starts the clone; returns its id. It carries the source's
   * `faultline.project` and owner labels, so stack teardown and the residue scan see it like any container of the run.
   */
  clone(sourceId: string, spec: CloneSpec): Promise<string>;
  list(label: string, value: string): Promise<Array<{ id: string; name: string }>>;
  remove(id: string): Promise<void>;
}

/** A clone belongs to whoever owns its source, so the owner's teardown removes it too. */
function ownerOf(labels: Record<string, string> | undefined): Record<string, string> {
  const keys = [LABELS.ownerWorkflow, LABELS.ownerRun];
  return Object.fromEntries(keys.filter((k) => labels?.[k] !== undefined).map((k) => [k, labels?.[k] ?? '']));
}

export function createCloneOps(docker: Docker): CloneOps {
  return {
    async clone(sourceId, spec) {
      const src = await docker.getContainer(sourceId).inspect();
      const network = Object.keys(src.NetworkSettings.Networks ?? {})[0];
      if (network === undefined) throw new FaultlineError('InvalidFault', `${src.Name}: not on any network, nothing to join`, { retryable: false });
      const project = src.Config.Labels?.[LABELS.project];
      const name = project ? `${project}-${spec.alias}` : spec.alias;
      let id: string;
      try {
        const c = await docker.createContainer({
          name,
          Image: src.Config.Image,
          Cmd: spec.cmd ?? src.Config.Cmd,
          Entrypoint: src.Config.Entrypoint,
          Env: src.Config.Env,
          Labels: { ...spec.labels, ...(project ? { [LABELS.project]: project, ...ownerOf(src.Config.Labels) } : {}) },
          Healthcheck: src.Config.Healthcheck,
          HostConfig: { Binds: src.HostConfig.Binds ?? undefined, NetworkMode: network },
          NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [spec.alias] } } },
        });
        id = c.id;
      } catch (err) {
        // A retried inject finds the clone it made before.
        if (statusOf(err) !== 409) throw err;
        id = (await docker.getContainer(name).inspect()).Id;
      }
      await docker.getContainer(id).start().catch((err: unknown) => {
        if (statusOf(err) !== 304) throw err;
      });
      return id;
    },
    async list(label, value) {
      const all = await docker.listContainers({ all: true, filters: { label: [`${label}=${value}`] } });
      return all.map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, '') }));
    },
    async remove(id) {
      await docker.getContainer(id).remove({ force: true }).catch((err: unknown) => {
        if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
      });
    },
  };
}
