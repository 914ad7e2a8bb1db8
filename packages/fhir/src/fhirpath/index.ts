/** FHIRPath for Kindred: fhirpath.js for the full language, and a compiler for the search-expression subset. */
export { compileFhirPath, type CompiledFhirPath } from './compile-fhirpath.ts';
export type { TypedValue } from './nodes.ts';
export {
  compileFhirPathEvaluator,
  evaluateFhirPath,
  evaluateFhirPathTyped,
  fhirPathItemData,
  fhirPathItemTypes,
  fhirPathItemValues,
  type FhirPathEvaluator,
  type FhirPathFunction,
} from './fhirpath-js.ts';
export { parseLiteralReference, referenceTargetType } from './reference-type.ts';
