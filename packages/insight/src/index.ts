/**
 * @kindred/insight: the learning health system. SQL on FHIR v2 views and their analytics copy,
 * the measure library, statistical process control, equity breakdowns and improvement cycles.
 * Each part is a folder; this file only re-exports. It reads the record only through @kindred/access.
 */
export * from './views/index.ts';
export * from './spc/index.ts';
export * from './equity/index.ts';
export * from './warehouse/index.ts';
export * from './measures/index.ts';
export * from './improvement/index.ts';
export * from './views-record/index.ts';
