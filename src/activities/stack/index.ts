/** Compose stacks over the Docker API: plain functions the worker wraps as activities. */
export { stackUp } from './up';
export { stackDown } from './down';
export { stackPorts } from './ports';
export { collectLogs } from './logs';
export { validateAgainstStack } from './validate';
export { containerName } from './docker-spec';
