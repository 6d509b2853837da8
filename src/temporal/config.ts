/**
 * Where Faultline finds Temporal: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE when set (the same
 * variables the `temporal` CLI reads), otherwise the dev server Faultline starts under .faultline/.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export function stateDir(): string {
  return process.env.FAULTLINE_STATE_DIR ?? join(PROJECT_ROOT, '.faultline');
}

export function artifactsRoot(): string {
  return process.env.FAULTLINE_ARTIFACTS_DIR ?? join(process.cwd(), 'artifacts');
}

export interface TemporalSettings {
  address: string;
  namespace: string;
  /** Base URL of the Web UI, when known. */
  uiUrl?: string;
  /** True when the address came from the environment rather than our own dev server. */
  external: boolean;
}

export function externalSettings(): TemporalSettings | undefined {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) return undefined;
  return {
    address,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    uiUrl: process.env.FAULTLINE_UI_URL,
    external: true,
  };
}

/** The Temporal CLI: TEMPORAL_CLI_PATH, the copy scripts/setup.sh installs, or `temporal` on PATH. */
export function temporalCliPath(): string {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const local = join(PROJECT_ROOT, '.faultline', 'tools', 'temporal', 'bin', 'temporal');
  return existsSync(local) ? local : 'temporal';
}

export function workflowUrl(s: TemporalSettings, workflowId: string, runId?: string): string | undefined {
  if (!s.uiUrl) return undefined;
  const base = `${s.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(s.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}
