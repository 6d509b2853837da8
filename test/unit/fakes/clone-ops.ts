/**
 * An in-memory clone port: clones are containers of the FakeContainerOps they were cloned in, named
 * `<project>-<alias>` like the real ones, so target selection, residue and teardown see them.
 */
import type { CloneOps, CloneSpec } from '../../../src/activities/docker/clone-ops';
import { ContainerGoneError } from '../../../src/activities/ports';
import type { FakeContainerOps } from './container-ops';

export class FakeCloneOps implements CloneOps {
  constructor(private readonly ops: FakeContainerOps) {}

  async clone(sourceId: string, spec: CloneSpec): Promise<string> {
    const src = this.ops.containers.get(sourceId);
    if (!src) throw new ContainerGoneError(sourceId, 'clone');
    const project = src.labels['faultline.project'];
    const name = `${project}-${spec.alias}`;
    // A retried inject finds the clone it made before (Docker: 409 on the name, then start).
    const existing = [...this.ops.containers.values()].find((c) => c.name === name);
    if (existing) {
      existing.running = true;
      return existing.id;
    }
    const { 'faultline.service': service = 'clone', ...labels } = spec.labels;
    return this.ops.add(project, service, { name, labels }).id;
  }

  async list(label: string, value: string): Promise<Array<{ id: string; name: string }>> {
    return [...this.ops.containers.values()].filter((c) => c.labels[label] === value).map((c) => ({ id: c.id, name: c.name }));
  }

  async remove(id: string): Promise<void> {
    this.ops.remove(id);
  }
}
