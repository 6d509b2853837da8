/** Workflow types registered on the `faultline` task queue. */
export { experiment } from './experiment';
export { abortSignal, extendUpdate, pauseSignal, resumeSignal, statusQuery } from './messages';
