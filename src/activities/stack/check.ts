/**
 * The one check of a scenario against the stack it will run on. The CLI's preflight runs it before
 * anything starts and the validateStack activity runs it again on the worker (which may read another
 * copy of the compose file), so both must judge alike.
 */
import { ValidationError } from '../../errors';
import type { Experiment } from '../../spec';
import { type ComposeModel, loadComposeFile, selectServices } from '../../spec/compose';
import type { ComposePolicy } from '../../spec/compose/mount-policy';
import { validateAgainstStack } from './validate';

export interface StackCheck {
  /** The compose model, when the scenario has a stack. */
  model?: ComposeModel;
  /** The services the stack's profiles select; empty without a stack. */
  services: string[];
}

/**
 * Throws a ValidationError naming `source` (the scenario file, or the experiment's name) with every
 * problem found. The worker passes its policy (compose files only from its roots); the CLI, reading
 * its own user's file, passes none.
 */
export function checkAgainstStack(exp: Experiment, source: string, policy?: ComposePolicy): StackCheck {
  if (!exp.stack) {
    // Targets are found among the stack's containers, so without a stack every target is a problem.
    const problems = validateAgainstStack(exp, undefined);
    if (problems.length > 0) throw new ValidationError(source, problems);
    return { services: [] };
  }
  if (exp.stack.compose === undefined) {
    // An attached project is only known at run time: targets are resolved then, against its containers.
    const problems = validateAgainstStack(exp, undefined);
    if (problems.length > 0) throw new ValidationError(source, problems);
    return { services: [] };
  }
  const model = loadComposeFile(exp.stack.compose, policy);
  const services = Object.keys(selectServices(model, exp.stack.profiles));
  const problems = validateAgainstStack(exp, model, exp.stack.profiles);
  if (problems.length > 0) throw new ValidationError(source, problems);
  return { model, services };
}
