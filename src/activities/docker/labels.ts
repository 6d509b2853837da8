/**
 * The labels Faultline puts on what it creates, and reads back to find it again: a stack's
 * containers, networks and volumes; its helper containers (reverters, leases); clones of a
 * membership surge. One table, so a name never drifts between the writer and the reader.
 */
export const LABELS = {
  /** The compose project (stack) a container, network or volume belongs to. */
  project: 'faultline.project',
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
