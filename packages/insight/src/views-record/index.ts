/** ViewDefinitions in the record: install and list them, and run one over what the caller may read. */
export { activeViewDefinitions, checkViewDefinition, ensureViewDefinitions, type StoredViewDefinition } from './view-definitions.ts';
export { runViewOverRecord, type RunViewOptions } from './run-over-record.ts';
