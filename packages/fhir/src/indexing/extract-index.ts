/**
 * Index extraction: a resource's search index rows, from the FHIRPath expression of every search
 * parameter of its type (http://hl7.org/fhir/R4/search.html#ptypes), including those common to all
 * resources (_tag, _profile, _security, _source). Runs on every write, bulk import included, so the
 * expressions are compiled once per resource type and reused. Pure: reads the resource, never
 * changes it, and does no I/O; the store decides where the rows go.
 */
import { compileFhirPath, type CompiledFhirPath, type TypedValue } from '../fhirpath/index.ts';
import { isResourceType } from '../model.ts';
import { isSupportedSearchParameter, searchParametersOf, type SearchParamType } from '../search-parameters.ts';
import type { Resource } from '../types.ts';
import type { IndexRows } from './index-rows.ts';
import {
  addDateValues,
  addNumberValues,
  addQuantityValues,
  addReferenceValues,
  addStringValues,
  addTokenValues,
  addUriValues,
} from './index-values.ts';
import { IndexRowCollector } from './row-collector.ts';

/** Kept by the store as columns of the resource itself, not as index rows. */
const STORED_AS_COLUMNS: ReadonlySet<string> = new Set(['_id', '_lastUpdated']);

type AddValues = (rows: IndexRowCollector, value: TypedValue) => void;

const ADD_VALUES: Readonly<Record<Exclude<SearchParamType, 'composite' | 'special'>, AddValues>> = {
  string: addStringValues,
  token: addTokenValues,
  reference: addReferenceValues,
  date: addDateValues,
  number: addNumberValues,
  quantity: addQuantityValues,
  uri: addUriValues,
};

interface IndexedParameter {
  readonly code: string;
  readonly expression: CompiledFhirPath;
  readonly addValues: AddValues;
}

/** Per resource type, computed once: the definitions never change while the process runs. */
const plans = new Map<string, readonly IndexedParameter[]>();

function planFor(resourceType: string): readonly IndexedParameter[] {
  // only real resource types are planned (and remembered): input cannot grow the memo
  if (!isResourceType(resourceType)) return [];
  let plan = plans.get(resourceType);
  if (!plan) {
    const parameters: IndexedParameter[] = [];
    for (const definition of searchParametersOf(resourceType).values()) {
      if (!isSupportedSearchParameter(definition) || STORED_AS_COLUMNS.has(definition.code)) continue;
      const { type, expression } = definition;
      if (expression === undefined || type === 'composite' || type === 'special') continue;
      parameters.push({ code: definition.code, expression: compileFhirPath(expression), addValues: ADD_VALUES[type] });
    }
    plan = parameters;
    plans.set(resourceType, plan);
  }
  return plan;
}

/**
 * The index rows of `resource` for every indexed search parameter of its type (string, token,
 * reference, date, number, quantity, uri), without duplicates. An unknown resource type has none.
 */
export function extractIndexRows(resource: Resource): IndexRows {
  const rows = new IndexRowCollector();
  for (const parameter of planFor(resource.resourceType)) {
    const values = parameter.expression.evaluate(resource);
    if (values.length === 0) continue;
    rows.startParameter(parameter.code);
    for (const value of values) parameter.addValues(rows, value);
  }
  return rows.rows();
}

/**
 * The reference index rows of `resource` for the parameters named in `codes` only: what the access
 * policy needs to know whose record a resource is part of, without extracting every index row.
 */
export function extractReferenceRows(resource: Resource, codes: ReadonlySet<string>): IndexRows['references'] {
  const rows = new IndexRowCollector();
  for (const parameter of planFor(resource.resourceType)) {
    if (!codes.has(parameter.code)) continue;
    const values = parameter.expression.evaluate(resource);
    if (values.length === 0) continue;
    rows.startParameter(parameter.code);
    for (const value of values) parameter.addValues(rows, value);
  }
  return rows.rows().references;
}

/** The search parameters whose expressions run on fhirpath.js rather than compiled, with the reason. */
export function indexExpressionFallbacks(resourceType: string): { code: string; expression: string; reason: string }[] {
  return planFor(resourceType)
    .filter((parameter) => parameter.expression.engine === 'fhirpath.js')
    .map((parameter) => ({ code: parameter.code, expression: parameter.expression.expression, reason: parameter.expression.fallbackReason ?? '' }));
}
