/** SQL on FHIR v2 views: compile a ViewDefinition once, run it over resources, write rows as CSV. */
export { ViewDefinitionError } from './errors.ts';
export type { ViewColumn } from './view-tree.ts';
export { compileView, runView, type CompiledView } from './view.ts';
export { csvHeader, csvLine, rowsToCsv } from './csv.ts';
