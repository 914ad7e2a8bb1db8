/**
 * The registry of R4 search parameters, from the published SearchParameter definitions
 * (http://hl7.org/fhir/R4/searchparameter-registry.html). Nothing is hand-listed: a parameter
 * exists for a resource type exactly when the specification defines one (for ViewDefinition, which
 * R4 lacks, the SQL on FHIR specification; see supplements/view-definition.ts).
 */
import { readFileSync } from 'node:fs';
import { isResourceType } from './model.ts';
import { SUPPLEMENT_SEARCH_PARAMETERS } from './supplements/view-definition.ts';

export const SearchParamType = {
  number: 'number',
  date: 'date',
  string: 'string',
  token: 'token',
  reference: 'reference',
  composite: 'composite',
  quantity: 'quantity',
  uri: 'uri',
  special: 'special',
} as const;
export type SearchParamType = (typeof SearchParamType)[keyof typeof SearchParamType];

export interface SearchParameterDefinition {
  /** the resource type this entry applies to ("Resource"/"DomainResource" for the common ones) */
  base: string;
  code: string;
  url: string;
  type: SearchParamType;
  /** the FHIRPath expression, narrowed to the branches for `base` */
  expression?: string;
  description?: string;
  target?: string[];
  modifier?: string[];
  comparator?: string[];
  multipleOr?: boolean;
  multipleAnd?: boolean;
  component?: { definition: string; expression: string }[];
}

interface GeneratedSearchParameters {
  parameters: Record<string, Record<string, Omit<SearchParameterDefinition, 'base' | 'code'>>>;
}

const generated = JSON.parse(
  readFileSync(new URL('./generated/search-parameters.json', import.meta.url), 'utf8'),
) as GeneratedSearchParameters;

const byType = new Map<string, ReadonlyMap<string, SearchParameterDefinition>>();

function own(base: string): [string, SearchParameterDefinition][] {
  // Kindred's supplement types (ViewDefinition) bring their own parameters; see supplements/.
  const parameters: Record<string, Omit<SearchParameterDefinition, 'base' | 'code'>> = generated.parameters[base] ?? SUPPLEMENT_SEARCH_PARAMETERS[base] ?? {};
  return Object.entries(parameters).map(([code, def]) => [code, { ...def, base, code }]);
}

/** The search parameters of a resource type, including those every resource has (`_id`, `_tag` …). */
export function searchParametersOf(resourceType: string): ReadonlyMap<string, SearchParameterDefinition> {
  const cached = byType.get(resourceType);
  if (cached) return cached;
  if (!isResourceType(resourceType)) return new Map();
  const map = new Map<string, SearchParameterDefinition>([...own('Resource'), ...own('DomainResource'), ...own(resourceType)]);
  if (resourceType === 'Bundle' || resourceType === 'Binary' || resourceType === 'Parameters') map.delete('_text');
  byType.set(resourceType, map);
  return map;
}

export function getSearchParameter(resourceType: string, code: string): SearchParameterDefinition | undefined {
  return searchParametersOf(resourceType).get(code);
}

/** Parameter types whose values Kindred indexes and searches (composite and special are not). */
export const INDEXED_PARAM_TYPES: ReadonlySet<SearchParamType> = new Set(['number', 'date', 'string', 'token', 'reference', 'quantity', 'uri']);

/** True when Kindred can search on this parameter. */
export function isSupportedSearchParameter(def: SearchParameterDefinition): boolean {
  return INDEXED_PARAM_TYPES.has(def.type) && def.expression !== undefined;
}
