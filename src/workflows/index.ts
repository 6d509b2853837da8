/** Workflow types registered on the `faultline` task queue. */
export { experiment } from './experiment';
export { janitor } from './janitor';
export { abortSignal, extendUpdate, pauseSignal, resumeSignal, statusQuery } from './messages';
/** One named type per scenarios/*.yaml, generated at build time. */
export * from './scenario-types.generated';
export { chain } from './chain';
export { chainStatusQuery } from './chain-messages';
