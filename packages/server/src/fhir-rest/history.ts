/**
 * history (http://hl7.org/fhir/R4/http.html#history): of one resource (`[type]/[id]/_history`),
 * of a type (`[type]/_history`) and of the whole system (`_history`), newest first, with
 * `_count`, `_since`, `_at` and `next` links that carry the store's cursor. Reads only.
 */
import { dateRange, DEFAULT_PAGE_SIZE, FhirError, MAX_PAGE_SIZE } from '@kindred/fhir';
import type { HistoryRequest } from '@kindred/store';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import { CURSOR_PARAMETER, historyBundle, pagingLinks } from './bundles.ts';
import { parsePrefer } from './headers.ts';
import { requireId, requireResourceType, shown } from './request-checks.ts';

const HISTORY_PARAMETERS = new Set(['_count', '_since', '_at', CURSOR_PARAMETER]);
const GENERAL_PARAMETERS = new Set(['_format', '_pretty']);

function readCount(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new FhirError('INVALID_SEARCH', `_count must be a whole number from 0 to ${MAX_PAGE_SIZE}, not ${shown(value)}.`);
  return Math.min(Number(value.trim()), MAX_PAGE_SIZE);
}

/**
 * `_since` is an instant ("only include resource versions that were created at or after the given
 * instant"); `_at` is a date-time whose whole period counts. The store takes one instant for
 * `_at`, so a value with less than full precision is read at the end of its period
 * ("_at=2020" → the versions current at the end of 2020).
 */
function readTime(name: string, value: string): number {
  const range = dateRange(value.trim());
  if (range === undefined) {
    throw new FhirError('INVALID_SEARCH', `${name} must be a FHIR instant such as 2024-05-01T09:30:00Z, not ${shown(value)} (http://hl7.org/fhir/R4/http.html#history).`);
  }
  return name === '_since' ? range.low : range.high;
}

/** The history request the query asks for, and the parameters it used (for the links). */
function readParameters(request: FhirRequest, scope: { resourceType?: string; id?: string }): { history: HistoryRequest; used: [string, string][] } {
  const history: HistoryRequest = { ...scope, count: DEFAULT_PAGE_SIZE };
  const used: [string, string][] = [];
  const seen = new Set<string>();
  const strict = parsePrefer(request.headers.prefer).handling === 'strict';
  for (const [name, value] of request.query) {
    if (GENERAL_PARAMETERS.has(name)) continue;
    if (!HISTORY_PARAMETERS.has(name)) {
      // as for search (http://hl7.org/fhir/R4/search.html#errors): refused when strict, left out of the links when lenient
      if (strict) throw new FhirError('UNKNOWN_SEARCH_PARAMETER', `History takes _count, _since and _at; ${shown(name)} is not supported.`);
      continue;
    }
    if (seen.has(name)) throw new FhirError('INVALID_SEARCH', `The history parameter ${name} appears more than once; give it once.`);
    seen.add(name);
    used.push([name, value]);
    if (name === '_count') history.count = readCount(value);
    else if (name === '_since') history.since = readTime(name, value);
    else if (name === '_at') history.at = readTime(name, value);
    else history.cursor = value;
  }
  return { history, used };
}

async function answer(request: FhirRequest, context: FhirContext, scope: { resourceType?: string; id?: string }, path: string[]): Promise<FhirResponse> {
  const { history, used } = readParameters(request, scope);
  const page = await context.repository.history(history);
  if (scope.id !== undefined && scope.resourceType !== undefined && page.entries.length === 0 && history.cursor === undefined && history.since === undefined && history.at === undefined) {
    // a resource with no versions at all does not exist: 404, as read would answer
    throw new FhirError('NOT_FOUND', `${scope.resourceType}/${scope.id} is not known.`);
  }
  return { status: 200, body: historyBundle(context.baseUrl, page, pagingLinks(context.baseUrl, path, used, page.nextCursor)) };
}

/** `GET [base]/[type]/[id]/_history` */
export function handleInstanceHistory(request: FhirRequest, context: FhirContext, type: string, id: string): Promise<FhirResponse> {
  requireResourceType(type);
  requireId(id);
  return answer(request, context, { resourceType: type, id }, [type, id, '_history']);
}

/** `GET [base]/[type]/_history` */
export function handleTypeHistory(request: FhirRequest, context: FhirContext, type: string): Promise<FhirResponse> {
  requireResourceType(type);
  return answer(request, context, { resourceType: type }, [type, '_history']);
}

/** `GET [base]/_history` */
export function handleSystemHistory(request: FhirRequest, context: FhirContext): Promise<FhirResponse> {
  return answer(request, context, {}, ['_history']);
}
