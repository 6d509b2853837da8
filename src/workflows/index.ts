/** Workflow types registered on the `faultline` task queue. */
export { experiment } from './experiment';
export { abortSignal, statusQuery } from './messages';
