/**
 * @kindred/care: the capabilities, workflows over the access-checked repository. Each capability is
 * a folder; this file only re-exports. Nothing here may reach an unchecked repository or the database.
 */
export * from './messaging/index.ts';
export * from './access-needs/index.ts';
export * from './triage/index.ts';
export * from './booking/index.ts';
export * from './equity/index.ts';
export * from './requests/index.ts';
export * from './jobs/index.ts';
export * from './monitoring/index.ts';
export * from './video/index.ts';
