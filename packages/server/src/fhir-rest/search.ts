/**
 * search (http://hl7.org/fhir/R4/http.html#search, http://hl7.org/fhir/R4/search.html):
 * `GET [base]/[type]?…`, `POST [base]/[type]/_search` with a form body, and compartment search
 * `GET [base]/Patient/[id]/[type]?…`. Parameters are read by the fhir package's parser, with
 * `Prefer: handling` deciding what happens to unknown ones; the answer is a searchset Bundle
 * whose self link shows only the parameters that were used. Reads only.
 */
import {
  applyElements,
  applySummary,
  compartmentFilter,
  FhirError,
  operationOutcome,
  parseSearchRequest,
  type Issue,
  type Resource,
  type SearchRequest,
} from '@kindred/fhir';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import { pagingLinks, searchsetBundle } from './bundles.ts';
import { parsePrefer } from './headers.ts';
import { MediaType, requireId, requireMediaType, requireResourceType } from './request-checks.ts';

/** Where a search looks: a type, or a type within one patient's compartment. */
export interface SearchTarget {
  resourceType: string;
  compartment?: { type: string; id: string };
}

/** General parameters (http://hl7.org/fhir/R4/http.html#parameters) that say nothing about the search, left out of links. */
const NOT_IN_LINKS = new Set(['_format', '_pretty']);

/** The form body of `POST …/_search` as name/value pairs (the HTTP layer decodes it). */
function formParameters(request: FhirRequest): [string, string][] {
  if (request.body === undefined) return [];
  requireMediaType(request, [MediaType.form], 'POST _search');
  const body = request.body;
  const pairs = Array.isArray(body) && body.every((pair: unknown) => Array.isArray(pair) && pair.length === 2 && pair.every((v: unknown) => typeof v === 'string'));
  if (!pairs) throw new FhirError('INVALID_REQUEST', 'POST _search takes its parameters as an application/x-www-form-urlencoded body.');
  return body as [string, string][];
}

/** A note on each parameter the search did not use (lenient handling), for the outcome entry. */
function ignoredOutcome(search: SearchRequest): ReturnType<typeof operationOutcome> | undefined {
  if (search.ignored.length === 0) return undefined;
  const issues: Issue[] = search.ignored.map(({ name, reason }) =>
    reason.startsWith('empty value')
      ? { severity: 'information', code: 'informational', diagnostics: `Search parameter '${name}': ${reason}.`, expression: [name] }
      : { severity: 'warning', code: 'not-supported', diagnostics: `Search parameter '${name}' was ignored: ${reason}.`, expression: [name] },
  );
  return operationOutcome(issues);
}

/** Each returned resource shaped by `_summary` or `_elements`; both apply to included resources too (search.html#summary). */
function shaper(search: SearchRequest): (resource: Resource) => Resource {
  const { summary, elements } = search;
  if (summary !== undefined && summary !== 'false' && summary !== 'count') return (resource) => applySummary(resource, summary);
  // an included resource keeps those of the named elements its own type has, plus its mandatory ones
  if (elements !== undefined) return (resource) => applyElements(resource, elements);
  return (resource) => resource;
}

export async function searchResources(request: FhirRequest, context: FhirContext, target: SearchTarget, params: [string, string][]): Promise<FhirResponse> {
  const { resourceType, compartment } = target;
  requireResourceType(resourceType);
  const { handling } = parsePrefer(request.headers.prefer);
  const parsed = parseSearchRequest(resourceType, params, { handling, baseUrl: context.baseUrl });
  const search: SearchRequest = compartment
    ? { ...parsed, filters: [...parsed.filters, compartmentFilter(compartment.type, compartment.id, resourceType)] }
    : parsed;
  const page = await context.repository.search(search);

  const ignoredNames = new Set(search.ignored.map((entry) => entry.name));
  const used = params.filter(([name]) => !ignoredNames.has(name) && !NOT_IN_LINKS.has(name));
  const path = compartment ? [compartment.type, compartment.id, resourceType] : [resourceType];
  const outcome = ignoredOutcome(search);
  const bundle = searchsetBundle({
    baseUrl: context.baseUrl,
    page,
    links: pagingLinks(context.baseUrl, path, used, page.nextCursor),
    shape: shaper(search),
    countOnly: search.summary === 'count',
    ...(outcome ? { outcome } : {}),
  });
  return { status: 200, body: bundle };
}

/** `GET [base]/[type]?…` and `POST [base]/[type]/_search` (URL parameters and form body together). */
export function handleTypeSearch(request: FhirRequest, context: FhirContext, type: string, viaPost: boolean): Promise<FhirResponse> {
  const params = viaPost ? [...request.query, ...formParameters(request)] : request.query;
  return searchResources(request, context, { resourceType: type }, params);
}

/**
 * `GET [base]/Patient/[id]/[type]?…` (http://hl7.org/fhir/R4/search.html#searchcontexts). The
 * `*` form (every type in the compartment) is refused with 400: it would be one search per type
 * (some sixty) merged into one page order, and `Patient/[id]/$everything`-style needs are better
 * met by searching the types the client wants.
 */
export function handleCompartmentSearch(
  request: FhirRequest,
  context: FhirContext,
  compartment: { type: string; id: string },
  type: string,
  viaPost: boolean,
): Promise<FhirResponse> {
  requireId(compartment.id);
  if (type === '*') {
    throw new FhirError(
      'UNSUPPORTED',
      `Searching every type in a compartment (${compartment.type}/${compartment.id}/*) is not supported; search one type at a time, e.g. ${compartment.type}/${compartment.id}/Observation.`,
    );
  }
  const params = viaPost ? [...request.query, ...formParameters(request)] : request.query;
  return searchResources(request, context, { resourceType: type, compartment }, params);
}
