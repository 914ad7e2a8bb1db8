/**
 * FHIR search query parameters → SearchRequest (http://hl7.org/fhir/R4/search.html). The entry
 * point of this folder: it decides, for each parameter, whether it is a filter, a result parameter,
 * or one this server does not know or support, and hands values to the parsers beside it.
 *
 * It knows nothing of HTTP (the caller decodes the query string or form body into pairs) and
 * nothing of SQL (the store compiles the result). It never mutates its inputs.
 */
import { FhirError } from '../errors.ts';
import { isResourceType } from '../model.ts';
import { isSupportedSearchParameter, searchParametersOf } from '../search-parameters.ts';
import { parseChain, parseHas, splitModifier } from './chain-and-has.ts';
import { parseFilter, type FilterOptions } from './parse-filter.ts';
import { parseCount, parseElements, parseInclude, parseSort, parseSummary, parseTotal } from './result-parameters.ts';
import { invalidSearch, MAX_SEARCH_PARAMETERS, MAX_VALUE_LENGTH, quote, tooCostly } from './search-errors.ts';
import { DEFAULT_PAGE_SIZE, type SearchFilter, type SearchRequest } from './search-request.ts';
import { closestMatch } from './suggest.ts';

export interface SearchParseOptions {
  /**
   * `Prefer: handling` (http://hl7.org/fhir/R4/search.html#errors): strict refuses unknown and
   * unsupported parameters; lenient ignores them and lists them in `ignored`. Invalid values of
   * known parameters are refused either way.
   */
  handling: 'strict' | 'lenient';
  /** this server's base url; absolute references that start with it are treated as relative */
  baseUrl?: string;
}

/** Parameters for every interaction (http://hl7.org/fhir/R4/http.html#parameters): accepted, and not about search. */
const NOT_ABOUT_SEARCH: ReadonlySet<string> = new Set(['_format', '_pretty']);

/** Result parameters that may appear once; "if such a parameter appears more than once … a server MAY treat the situation as an error". */
const SINGLE_RESULT_PARAMETERS: ReadonlySet<string> = new Set(['_sort', '_count', '_total', '_summary', '_elements', '_cursor']);

/** Standard parameters this server does not implement, with the reason given back to the client. */
const NOT_SUPPORTED: ReadonlyMap<string, string> = new Map([
  ['_text', 'full-text search on the narrative (_text) is not supported'],
  ['_content', 'full-text search on the content (_content) is not supported'],
  ['_query', 'named queries (_query) are not supported'],
  ['_list', 'searching by List (_list) is not supported'],
  ['_filter', 'the _filter expression language is not supported'],
  ['_type', '_type applies to searches across all types, not to a search of one type'],
  ['_contained', 'searching contained resources (_contained) is not supported'],
  ['_containedType', 'searching contained resources (_containedType) is not supported'],
  ['_score', 'relevance scores (_score) are not supported'],
]);

const RESULT_PARAMETERS = ['_sort', '_count', '_total', '_summary', '_elements', '_include', '_revinclude', '_cursor', '_has'];

interface Builder {
  request: SearchRequest;
  seen: Set<string>;
  options: SearchParseOptions;
  knownNames: () => string[];
}

/**
 * Reads `params` (decoded name/value pairs, in order) as a search of `resourceType`. Repeated
 * names are AND-ed; comma-separated values are OR-ed (http://hl7.org/fhir/R4/search.html#combining).
 * Throws FhirError: NOT_FOUND for an unknown type, INVALID_SEARCH for a value that cannot be read,
 * UNKNOWN_SEARCH_PARAMETER (strict handling only), TOO_COSTLY for requests past the limits.
 */
export function parseSearchRequest(
  resourceType: string,
  params: ReadonlyArray<readonly [string, string]>,
  options: SearchParseOptions,
): SearchRequest {
  if (!isResourceType(resourceType)) throw new FhirError('NOT_FOUND', `${quote(resourceType)} is not a FHIR R4 resource type.`);
  if (params.length > MAX_SEARCH_PARAMETERS) {
    throw tooCostly(`The search has ${params.length} parameters; at most ${MAX_SEARCH_PARAMETERS} are accepted.`);
  }
  const builder: Builder = {
    request: { resourceType, filters: [], sort: [], count: DEFAULT_PAGE_SIZE, total: 'none', include: [], revinclude: [], ignored: [] },
    seen: new Set(),
    options,
    knownNames: () => [
      ...[...searchParametersOf(resourceType).values()].filter(isSupportedSearchParameter).map((def) => def.code),
      ...RESULT_PARAMETERS,
    ],
  };
  for (const [name, value] of params) readParameter(builder, name, value);
  const { request } = builder;
  if (request.summary === 'text' && (request.include.length > 0 || request.revinclude.length > 0)) {
    throw invalidSearch('_include and _revinclude cannot be combined with _summary=text (http://hl7.org/fhir/R4/search.html#summary).');
  }
  return request;
}

function readParameter(builder: Builder, name: string, value: string): void {
  const { request } = builder;
  if (NOT_ABOUT_SEARCH.has(name)) return;
  if (value.length > MAX_VALUE_LENGTH) {
    throw invalidSearch(`Search parameter ${quote(name)}: the value is ${value.length} characters long; at most ${MAX_VALUE_LENGTH} are accepted.`);
  }
  // "Empty parameters are not an error - they are just ignored by the server" (search.html#errors)
  if (value.trim() === '') {
    request.ignored.push({ name, reason: 'empty value: ignored (http://hl7.org/fhir/R4/search.html#errors)' });
    return;
  }
  const base = name.split(/[:.]/, 1)[0] ?? '';
  if (SINGLE_RESULT_PARAMETERS.has(base)) return readResultParameter(builder, base, name, value);
  if (base === '_include' || base === '_revinclude') {
    const modifier = name.length > base.length && name[base.length] === ':' ? name.slice(base.length + 1) : undefined;
    if (name !== base && modifier === undefined) throw invalidSearch(`Search parameter ${quote(name)}: write ${base} or ${base}:iterate.`);
    const rule = parseInclude(base, modifier, request.resourceType, value);
    (base === '_include' ? request.include : request.revinclude).push(rule);
    return;
  }
  const filterOptions: FilterOptions = builder.options.baseUrl === undefined ? {} : { baseUrl: builder.options.baseUrl };
  if (base === '_has') return addFilter(builder, name, parseHas(request.resourceType, name, value, filterOptions));

  const reason = NOT_SUPPORTED.get(base);
  if (reason !== undefined) return notUsed(builder, name, reason);
  const def = searchParametersOf(request.resourceType).get(base);
  if (def === undefined) {
    const match = closestMatch(base, builder.knownNames());
    const hint = match === undefined ? '' : `; did you mean '${match}'?`;
    return notUsed(builder, name, `unknown search parameter for ${request.resourceType}${hint}`);
  }
  if (!isSupportedSearchParameter(def)) {
    return notUsed(builder, name, `${def.type} search parameters such as '${def.code}' are not supported by this server`);
  }
  if (name.includes('.')) return addFilter(builder, name, parseChain(request.resourceType, def, name, value, filterOptions));
  const { modifier } = splitModifier(name, name);
  addFilter(builder, name, parseFilter({ resourceType: request.resourceType, def, label: def.code }, modifier, value, filterOptions));
}

function addFilter(builder: Builder, name: string, filter: SearchFilter | undefined): void {
  if (filter === undefined) {
    builder.request.ignored.push({ name, reason: 'no value to search for (only commas): ignored' });
    return;
  }
  builder.request.filters.push(filter);
}

/** An unknown or unsupported parameter: an error under strict handling, a note under lenient. */
function notUsed(builder: Builder, name: string, reason: string): void {
  if (builder.options.handling === 'strict') {
    throw new FhirError(
      'UNKNOWN_SEARCH_PARAMETER',
      `Search parameter ${quote(name)}: ${reason}. (Reported because of Prefer: handling=strict; with handling=lenient it would be ignored.)`,
    );
  }
  builder.request.ignored.push({ name, reason });
}

function readResultParameter(builder: Builder, base: string, name: string, value: string): void {
  const { request } = builder;
  if (name !== base) throw invalidSearch(`Search parameter ${quote(name)}: ${base} takes no modifier.`);
  if (builder.seen.has(base)) {
    throw invalidSearch(`Search parameter '${base}' appears more than once; give it once (http://hl7.org/fhir/R4/search.html#return).`);
  }
  builder.seen.add(base);
  switch (base) {
    case '_sort':
      request.sort = parseSort(request.resourceType, value);
      return;
    case '_count':
      request.count = parseCount(value);
      return;
    case '_total':
      request.total = parseTotal(value);
      return;
    case '_summary':
      request.summary = parseSummary(value);
      return;
    case '_elements': {
      const elements = parseElements(request.resourceType, value);
      if (elements.length > 0) request.elements = elements;
      return;
    }
    default:
      // _cursor: opaque, made by the store for a `next` link; only the store can judge it
      request.cursor = value;
  }
}
