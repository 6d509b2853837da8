/** Workflow types registered on the `faultline` task queue. */
export { experiment } from './experiment';
export { janitor } from './janitor';
export { abortSignal, statusQuery } from './messages';
