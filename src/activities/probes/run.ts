/**
 * runProbe: one observation as a Sample. Never throws for a failing target: a refused connection,
 * a timeout, a bad status or an unmet expectation are all `ok: false` with the reason as text.
 */
import { performance } from 'node:perf_hooks';
import { toMs } from '../../spec/duration';
import type { HeaderValues, SecretRef } from '../../spec/secrets';
import type { ProbeInput, Sample } from '../types';
import { evaluateExpectation } from './expect';
import { type ProbeContext, type ProbeDeps, ProbeFailure, whenAborted } from './probe';
import { errorText } from '../../errors';
import { probeFor } from './registry';
import { HostPortRefused } from './endpoint';
import { SecretUnavailable, redact, secretValuesOf } from '../secrets';

export async function runProbe(deps: ProbeDeps, input: ProbeInput): Promise<Sample> {
  // Resolved first (a SecretUnavailable fails the activity), so whatever the target echoes is redacted.
  const secrets = await secretValuesOf(input.probe as { password?: SecretRef; headers?: HeaderValues });
  return redact(await sampleOnce(deps, input), secrets);
}

async function sampleOnce(deps: ProbeDeps, input: ProbeInput): Promise<Sample> {
  const { probe: spec } = input;
  const probe = probeFor(spec.kind);
  const timeoutMs = toMs(spec.timeout);
  const at = deps.clock.now();
  const t0 = performance.now();
  const controller = new AbortController();
  // Real time, not the Clock port: sockets time out in real time whatever clock the tests use.
  const timer = setTimeout(() => controller.abort(new ProbeFailure(`no answer within ${timeoutMs}ms`)), timeoutMs);
  const ctx: ProbeContext = { deps, stack: input.stack, hostPorts: deps.hostPorts, timeoutMs, signal: controller.signal };
  const latency = () => Math.round((performance.now() - t0) * 100) / 100;
  try {
    const value = await Promise.race([probe.run(ctx, spec), whenAborted(controller.signal)]);
    const expectation = input.expect ?? spec.expect;
    const error = expectation
      ? evaluateExpectation(expectation, value, { path: probe.defaultPath, label: probe.label })
      : probe.check(value);
    const kept = probe.compact ? probe.compact(value) : value;
    return error === undefined
      ? { ok: true, at, latencyMs: latency(), value: kept }
      : { ok: false, at, latencyMs: latency(), value: kept, error };
  } catch (err) {
    // The worker's configuration, not the target (a secret it cannot read, a port it does not allow):
    // the activity fails (not retried) instead of sampling a deviation.
    if (err instanceof SecretUnavailable || err instanceof HostPortRefused) throw err;
    return { ok: false, at, latencyMs: latency(), error: err instanceof ProbeFailure ? err.message : `probe error: ${errorText(err)}` };
  } finally {
    clearTimeout(timer);
    // Lets the probe close what it still holds when it finished on its own.
    if (!controller.signal.aborted) controller.abort(new ProbeFailure('probe finished'));
  }
}
