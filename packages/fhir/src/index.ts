/** @kindred/fhir: the FHIR R4 model. Pure: no I/O beyond loading its own generated definitions. */
export * from './types.ts';
export * from './errors.ts';
export * from './operation-outcome.ts';
export * from './model.ts';
export { VIEW_DEFINITION_PROFILE, isSupplementResourceType } from './supplements/view-definition.ts';
export * from './search-parameters.ts';
export * from './compartments.ts';
export * from './datetime.ts';
export * from './references.ts';
export * from './nhs-number.ts';
export * from './indexing/index.ts';
export * from './search/index.ts';
export * from './validation/index.ts';
export * from './fhirpath/index.ts';
