import { ValidationError } from '../../errors';
import type { ComposeModel, ComposeService } from './schema';

/** Services with no profile, plus those in any of `profiles`, in file order. */
export function selectServices(model: ComposeModel, profiles: string[]): Record<string, ComposeService> {
  const known = [...new Set(Object.values(model.services).flatMap((s) => s.profiles))];
  const problems = profiles
    .filter((p) => !known.includes(p))
    .map((p) => `profiles: unknown profile "${p}"; known profiles: ${known.join(', ') || '(none)'}`);
  const selected = Object.fromEntries(
    Object.entries(model.services).filter(([, s]) => s.profiles.length === 0 || s.profiles.some((p) => profiles.includes(p))),
  );
  for (const [name, s] of Object.entries(selected)) {
    for (const dep of Object.keys(s.dependsOn)) {
      if (!(dep in selected)) problems.push(`services.${name}.depends_on.${dep}: "${dep}" is not selected by profiles [${profiles.join(', ')}]`);
    }
  }
  if (problems.length > 0) throw new ValidationError(model.source, problems);
  return selected;
}

/** Dependencies before dependents, otherwise file order; a cycle is reported with its members. */
export function servicesStartOrder(model: ComposeModel, names: string[] = Object.keys(model.services)): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name].join(' -> ');
      throw new ValidationError(model.source, [`services.${name}.depends_on: dependency cycle ${cycle}`]);
    }
    state.set(name, 'visiting');
    for (const dep of Object.keys(model.services[name]?.dependsOn ?? {})) visit(dep, [...trail, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const n of names) visit(n, []);
  return order;
}
