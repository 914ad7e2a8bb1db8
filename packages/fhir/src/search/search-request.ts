/**
 * A parsed FHIR search (http://hl7.org/fhir/R4/search.html), independent of HTTP and of SQL.
 * parse-search.ts builds it from query parameters; the store compiles it to SQL.
 *
 * Within a filter, `values` are OR-ed (comma-separated in the URL); filters are AND-ed (repeated
 * parameters). Dates are epoch milliseconds with inclusive ends (see indexing/index-rows.ts).
 */
import type { SearchParamType } from '../search-parameters.ts';

/** http://hl7.org/fhir/R4/search.html#prefix */
export const Prefix = { eq: 'eq', ne: 'ne', gt: 'gt', lt: 'lt', ge: 'ge', le: 'le', sa: 'sa', eb: 'eb', ap: 'ap' } as const;
export type Prefix = (typeof Prefix)[keyof typeof Prefix];

/** A search parameter of a resource type, e.g. { resourceType: "Observation", code: "code", type: "token" }. */
export interface ParamKey {
  resourceType: string;
  code: string;
  type: SearchParamType;
}

export interface DateValue {
  prefix: Prefix;
  /** the implicit range of the value as written: "2020-03" → [2020-03-01T00:00:00.000Z, 2020-03-31T23:59:59.999Z] */
  low: number;
  high: number;
}

export interface NumberValue {
  prefix: Prefix;
  value: number;
  /** the implicit range of the value's precision, [low, high): "100" → [99.5, 100.5) */
  low: number;
  high: number;
}

export interface QuantityValue extends NumberValue {
  /** undefined: any system */
  system?: string;
  /** unit code (or unit text when no system is given); undefined: any unit */
  unit?: string;
}

export interface TokenValue {
  /** undefined: any system ("code"); null: no system ("|code"); a string: that system ("system|code" or "system|") */
  system?: string | null;
  /** undefined: any code ("system|") */
  code?: string;
}

export interface ReferenceValue {
  /** "Patient/123" → type Patient, id 123; "123" → id only (any permitted target type) */
  type?: string;
  id?: string;
  /** an absolute or canonical url that is not on this server */
  url?: string;
  /** with `url` only: the business version asked for with a canonical, `url|version` (http://hl7.org/fhir/R4/search.html#versions) */
  version?: string;
}

export type SearchFilter =
  | { kind: 'string'; param: ParamKey; modifier?: 'exact' | 'contains'; values: string[] }
  | { kind: 'token'; param: ParamKey; modifier?: 'not'; values: TokenValue[] }
  | { kind: 'token-text'; param: ParamKey; values: string[] }
  | { kind: 'reference'; param: ParamKey; values: ReferenceValue[] }
  | { kind: 'reference-identifier'; param: ParamKey; values: TokenValue[] }
  | { kind: 'date'; param: ParamKey; values: DateValue[] }
  | { kind: 'number'; param: ParamKey; values: NumberValue[] }
  | { kind: 'quantity'; param: ParamKey; values: QuantityValue[] }
  | { kind: 'uri'; param: ParamKey; modifier?: 'below' | 'above'; values: string[] }
  | { kind: 'missing'; param: ParamKey; missing: boolean }
  | { kind: 'id'; values: string[]; not?: boolean }
  | { kind: 'last-updated'; values: DateValue[] }
  /** `subject:Patient.name=peter`: resources whose reference `param` points at a `type` matching `filter`; targets are OR-ed */
  | { kind: 'chain'; param: ParamKey; targets: { type: string; filter: SearchFilter }[] }
  /** `_has:Observation:patient:code=x`: resources referenced through `referenceParam` by a `sourceType` matching `filter` */
  | { kind: 'has'; sourceType: string; referenceParam: ParamKey; filter: SearchFilter }
  /** `/Patient/123/Observation`: resources in the Patient compartment of `id` (http://hl7.org/fhir/R4/compartmentdefinition.html) */
  | { kind: 'compartment'; compartmentType: 'Patient'; id: string; params: ParamKey[] }
  /** every filter holds (AND). Never parsed from a URL: the access policy builds these. */
  | { kind: 'all'; filters: SearchFilter[] }
  /** at least one filter holds (OR). Never parsed from a URL: the access policy builds these. */
  | { kind: 'any'; filters: SearchFilter[] };

/**
 * What the caller may see of each resource type, as the access policy decides: a filter that
 * every resource of that type must satisfy to be returned, included, or looked into by a chain
 * or `_has` (so nothing hidden can leak through a match, a count or an include); 'none' hides the
 * type; undefined leaves it unrestricted.
 */
export type SearchRestriction = (resourceType: string) => SearchFilter | 'none' | undefined;

export interface SortRule {
  /** `_id`, `_lastUpdated`, or a parameter of the searched type */
  param: ParamKey | '_id' | '_lastUpdated';
  descending: boolean;
}

export interface IncludeRule {
  /** the resource type that holds the reference */
  sourceType: string;
  /** the reference parameter on sourceType; '*' for every reference parameter */
  paramCode: string;
  /** restrict to one target type (`_include=Observation:subject:Patient`) */
  targetType?: string;
  iterate: boolean;
}

export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';
export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface SearchRequest {
  resourceType: string;
  filters: SearchFilter[];
  sort: SortRule[];
  /** page size */
  count: number;
  /**
   * whether to count every match (_total). Without `_total` a search asks for 'none': counting a
   * large result costs more than finding its first page, so the store counts only when asked, or
   * when the count is free (the whole result fits on the first page).
   */
  total: TotalMode;
  summary?: SummaryMode;
  elements?: string[];
  include: IncludeRule[];
  revinclude: IncludeRule[];
  /** opaque position from a previous page's `next` link */
  cursor?: string;
  /** parameters that were not used (lenient handling), reported back as an OperationOutcome */
  ignored: { name: string; reason: string }[];
  /** set by the access layer, never from a URL: see SearchRestriction */
  restriction?: SearchRestriction;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;
