/** The measure library (data), the built-in views it reads, and its computation over the analytics copy. */
export { BUILT_IN_VIEWS, BuiltInView } from './built-in-views.ts';
export { MEASURE_LIBRARY, measureById, parseMeasureLibrary } from './measure-library.ts';
export {
  CONDITION_OPS,
  MeasureDefinitionError,
  STRATUM_IDS,
  parseMeasureDefinition,
  type Condition,
  type ConditionOp,
  type Improvement as MeasureImprovement,
  type MeasureDefinition,
  type MeasureKind,
  type Period,
  type StratumId,
} from './measure-definition.ts';
export { MEASURE_SOURCES, sourceByName, type MeasureSource, type SourceColumnKind } from './sources.ts';
export { NOT_RECORDED, STRATA, stratumById, type Stratum, type StratumGroup } from './strata.ts';
export {
  IMD_TABLE,
  MEASURE_CACHE_TABLE,
  MeasureError,
  computeMeasure,
  loadImdIntoWarehouse,
  measureBreakdown,
  measureOrganisations,
  periodStart,
  type BreakdownGroup,
  type MeasureBreakdown,
  type MeasurePeriod,
  type MeasureScope,
  type MeasureSeries,
  type MeasureWarehouse,
} from './compute.ts';
export { cachedBreakdown, cachedMeasure, refreshAllMeasures } from './measure-cache.ts';
export { refreshImdTable, type ImdLookupReport } from './imd-lookup.ts';
