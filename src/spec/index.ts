/** The experiment language. Pure: safe to import from workflows (load.ts, which reads files, is not re-exported). */
export * from './checks';
export * from './duration';
export * from './endpoint';
export * from './expect';
export * from './experiment';
export * from './faults';
export * from './parse';
export * from './probes';
export * from './safety';
export * from './secrets';
export * from './steps';
export * from './target';
export * from './workloads';
