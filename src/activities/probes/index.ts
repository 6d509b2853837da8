/** Probe activities: one observation (runProbe) and the recovery measurement (timeToGreen). */
export { evaluateExpectation } from './expect';
export type { Probe, ProbeContext, ProbeDeps } from './probe';
export { PROBES } from './registry';
export { runProbe } from './run';
export { type TimeToGreenOptions, timeToGreen } from './time-to-green';
