/** The public face of the compose subset; the internal field schemas stay private to this folder. */
export type { DependsCondition, Mount, PortBinding } from './fields';
export { ComposeModel, type ComposeService } from './schema';
export { loadComposeFile, parseCompose } from './parse';
export { selectServices, servicesStartOrder } from './select';
