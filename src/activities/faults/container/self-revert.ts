/**
 * Self-revert scripts for the container faults. They run in a reverter container with the Docker
 * socket mounted, so they speak the Engine API with curl: no Docker CLI in the image, no worker.
 * Every script is idempotent: it looks at the container first and only acts on what is still wrong.
 */
import type { SelfRevert } from '../driver';

/** `api METHOD PATH` prints the HTTP status; the body goes to /tmp/body for the state checks. */
const API = `api() { curl -s -o /tmp/body -w '%{http_code}' --unix-socket /var/run/docker.sock -X "$1" "http://localhost/v1.41$2"; }`;

/** A vanished container is nothing left to revert; any other failure exits non-zero so the reverter retries. */
const STATE = (id: string) => `code=$(api GET /containers/${id}/json); [ "$code" = 404 ] && { echo "target gone"; exit 0; }
[ "$code" = 200 ] || { echo "inspect failed: $code"; exit 1; }`;

const isTrue = (field: string) => `grep -q '"${field}":true' /tmp/body`;

/** Unpauses the container if it is paused. */
export function unpauseScript(id: string): SelfRevert {
  return {
    dockerSocket: true,
    script: [API, STATE(id), `if ${isTrue('Paused')}; then code=$(api POST /containers/${id}/unpause); case $code in 204|304) echo unpaused;; *) echo "unpause failed: $code"; exit 1;; esac; fi`].join('\n'),
  };
}

/** Starts the container unless it runs; with `thaw`, first sends SIGCONT to a process frozen by a stop signal. */
export function startScript(id: string, thaw = false): SelfRevert {
  const cont = thaw ? `if ${isTrue('Running')}; then api POST "/containers/${id}/kill?signal=SIGCONT" >/dev/null; echo "sent SIGCONT"; fi` : ':';
  const start = `if ! ${isTrue('Running')}; then code=$(api POST /containers/${id}/start); case $code in 204|304) echo started;; *) echo "start failed: $code"; exit 1;; esac; fi`;
  return { dockerSocket: true, script: [API, STATE(id), cont, start].join('\n') };
}
