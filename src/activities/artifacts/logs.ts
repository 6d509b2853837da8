/** A run's container logs are artifacts too: they go to <root>/<workflowId>/logs/, beside its journal. */
import { join } from 'node:path';
import type Docker from 'dockerode';
import { collectLogs } from '../stack/logs';
import { runDir } from './write';

export async function collectRunLogs(docker: Docker, root: string, input: { workflowId: string; project: string }): Promise<{ dir: string; files: string[] }> {
  const dir = runDir(root, input.workflowId);
  // collectLogs creates the logs folder (and so the run's folder) itself.
  const files = await collectLogs(docker, input.project, join(dir, 'logs'));
  return { dir, files };
}
