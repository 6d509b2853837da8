/**
 * The labels Faultline puts on what it creates, and reads back to find it again: a stack's
 * containers, networks and volumes; its helper containers (reverters, leases); clones of a
 * membership surge. One table, so a name never drifts between the writer and the reader.
 */
export const LABELS = {
  /** The compose project (stack) a container, network or volume belongs to. */
  project: 'faultline.project',
  /**
   * The run that created a stack object: its workflow id, and the first run id of that workflow
   * execution chain (the same across activity retries, workflow retries and continue-as-new). Stack up
   * refuses a project another run owns unless the scenario shares it; teardown removes only what the
   * tearing run owns.
   */
  ownerWorkflow: 'faultline.owner.workflow',
  ownerRun: 'faultline.owner.run',
  /** The compose service a container runs. */
  service: 'faultline.service',
  /** The kind of a helper container: `reverter` or `lease`. */
  helper: 'faultline.helper',
  /** The workflow id of the run a helper belongs to. */
  run: 'faultline.run',
  /** The fault id (`<workflowId>/<step path>`) a helper serves. */
  fault: 'faultline.fault',
  /** The target container's name, for people and residue lines. */
  target: 'faultline.target',
  /** Epoch ms: a reverter's deadline, or a lease's expiry. */
  deadline: 'faultline.deadline',
  /** The whole FaultRecord as JSON, so the janitor can restore from the reverter alone. */
  record: 'faultline.record',
  /** The tag of a membership-surge clone: which fault and target it was cloned for. */
  surge: 'faultline.surge',
} as const;

export type LabelKey = keyof typeof LABELS;

/** The labels any compose implementation (v1, v2, Faultline's own stack up) puts on a project's objects. */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
} as const;
