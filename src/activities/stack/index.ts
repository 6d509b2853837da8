/** Compose stacks over the Docker API: plain functions the worker wraps as activities. */
export { stackUp } from './up';
export { stackDown } from './down';
export { attachStack, stackPorts } from './published-ports';
export { checkAgainstStack } from './check';
export { collectLogs } from './logs';
export { validateAgainstStack } from './validate';
export { containerName } from './docker-spec';
