/**
 * The synthetic area generator for benchmarks: a deterministic, lazy stream of realistic FHIR R4
 * resources for one local area, an NDJSON writer, and search values known to match the data.
 * Benchmark code imports from here; the other modules are internals.
 */
export { AREA_VERSION, generateArea } from './generate-area.ts';
export { writeAreaNdjson } from './write-area-ndjson.ts';
export { sampleQueries, AREA_QUERY_NAMES, type AreaQuery, type AreaQueryName, type AreaSampleQueries } from './sample-queries.ts';
export { accessSamples, DEFAULT_ACCESS_SAMPLE_SIZE, type AccessSample } from './access-samples.ts';
export { planArea, DEFAULT_SEED, DEFAULT_START, HISTORY_YEARS, type AreaOptions, type AreaPlan } from './area-plan.ts';
export { nhsNumberCheckDigit } from './area-identifiers.ts';
