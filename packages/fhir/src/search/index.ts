export * from './search-request.ts';
export { parseSearchRequest, type SearchParseOptions } from './parse-search.ts';
export { compartmentFilter } from './compartment.ts';
export { applySummary, applyElements, SUBSETTED_TAG } from './summary.ts';
export { MAX_OR_VALUES, MAX_SEARCH_PARAMETERS, MAX_VALUE_LENGTH } from './search-errors.ts';
