/**
 * The signal a prober activity sends its own workflow when its stop condition trips
 * (activities/probes/prober.ts sends it, workflows/continuous.ts handles it). A plain constant, so
 * both sides share the name without the workflow importing activity code.
 */
export const PROBER_TRIPPED_SIGNAL = 'faultlineProberTripped';
