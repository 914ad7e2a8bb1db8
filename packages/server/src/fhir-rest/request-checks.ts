/**
 * The checks every interaction makes on the parts of a request before touching the record: is
 * the type a resource type, is the id an id, is the body a resource of the URL's type, is the
 * body's media type the one this interaction takes, and what do conditional criteria select.
 * Each throws the FhirError the specification asks for; none reads or writes the record.
 */
import {
  FhirError,
  isPlainObject,
  isResourceType,
  isValidId,
  parseSearchRequest,
  SUBSETTED_TAG,
  type Resource,
  type SearchRequest,
} from '@kindred/fhir';
import type { FhirRequest } from './fhir-request.ts';

/** Shown in messages: a client's text, cut short so a hostile value cannot flood the outcome. */
export function shown(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** http://hl7.org/fhir/R4/http.html#general: "404 Not Found - resource type not supported, or not a FHIR end-point". */
export function requireResourceType(type: string): string {
  if (!isResourceType(type)) throw new FhirError('NOT_FOUND', `${shown(type)} is not a FHIR R4 resource type (types are case sensitive, e.g. Patient).`);
  return type;
}

/** http://hl7.org/fhir/R4/datatypes.html#id: 1–64 of A–Z a–z 0–9 - and . */
export function requireId(id: string, what = 'id'): string {
  if (!isValidId(id)) {
    throw new FhirError('INVALID_REQUEST', `${shown(id)} is not a valid ${what}: an id is 1 to 64 letters, digits, '-' or '.' (http://hl7.org/fhir/R4/datatypes.html#id).`);
  }
  return id;
}

export const MediaType = {
  fhirJson: 'application/fhir+json',
  json: 'application/json',
  jsonPatch: 'application/json-patch+json',
  form: 'application/x-www-form-urlencoded',
} as const;

/**
 * The body's media type must be one this interaction takes (http://hl7.org/fhir/R4/http.html#mime-type).
 * An absent media type passes: callers inside Kindred (the CLI, transactions) hand parsed bodies over directly.
 */
export function requireMediaType(request: FhirRequest, accepted: readonly string[], what: string): void {
  const type = request.headers.contentType;
  if (type === undefined || request.body === undefined || accepted.includes(type)) return;
  throw new FhirError('UNSUPPORTED_MEDIA_TYPE', `${what} takes a body of type ${accepted.join(' or ')}, not ${shown(type)}.`);
}

export const RESOURCE_MEDIA_TYPES = [MediaType.fhirJson, MediaType.json] as const;

/** The body as a resource of `type` (http://hl7.org/fhir/R4/http.html#create, #update: a mismatched type is a 400). */
export function requireResourceBody(request: FhirRequest, type: string, interaction: string): Resource {
  requireMediaType(request, RESOURCE_MEDIA_TYPES, interaction);
  const body = request.body;
  if (body === undefined) throw new FhirError('INVALID_REQUEST', `${interaction} needs a ${type} resource in the request body.`);
  if (!isPlainObject(body)) throw new FhirError('INVALID_REQUEST', `The request body must be a JSON object holding a ${type} resource.`);
  if (body.resourceType !== type) {
    const actual = typeof body.resourceType === 'string' ? `a ${shown(body.resourceType)} resource` : 'no resourceType';
    throw new FhirError('INVALID_REQUEST', `The URL names ${type} but the body holds ${actual}; they must match.`, { expression: ['resourceType'] });
  }
  const tags = isPlainObject(body.meta) && Array.isArray(body.meta.tag) ? body.meta.tag : [];
  if (tags.some((tag: unknown) => isPlainObject(tag) && tag.system === SUBSETTED_TAG.system && tag.code === SUBSETTED_TAG.code)) {
    // http://hl7.org/fhir/R4/http.html#create leaves SUBSETTED writes to the server: a subset written
    // back would silently drop whatever _summary or _elements left out, so Kindred refuses it.
    throw new FhirError('UNPROCESSABLE', `The ${type} is tagged SUBSETTED (it came from _summary or _elements); write back the complete resource instead.`, {
      expression: [`${type}.meta.tag`],
    });
  }
  return body as Resource;
}

/** Decoded name/value pairs of a query string ("a=1&b=2"), as a URL's query is read. */
export function parseQueryString(text: string): [string, string][] {
  return [...new URLSearchParams(text.startsWith('?') ? text.slice(1) : text)];
}

/**
 * The criteria of a conditional create, update, delete or reference
 * (http://hl7.org/fhir/R4/http.html#ccreate): always read strictly, because a parameter silently
 * ignored would widen the match and make the server act on resources the client never meant.
 */
export function conditionalCriteria(type: string, params: ReadonlyArray<readonly [string, string]>, baseUrl: string, what: string): SearchRequest {
  const search = parseSearchRequest(type, params, { handling: 'strict', baseUrl });
  const ignored = search.ignored[0];
  if (ignored !== undefined) throw new FhirError('INVALID_SEARCH', `${what}: the parameter ${shown(ignored.name)} cannot be used (${ignored.reason}).`);
  if (search.filters.length === 0) {
    throw new FhirError('INVALID_REQUEST', `${what} needs search criteria that select resources, e.g. identifier=http://example.org|123.`);
  }
  if (search.cursor !== undefined || search.include.length > 0 || search.revinclude.length > 0) {
    throw new FhirError('INVALID_SEARCH', `${what} takes search criteria only, not _cursor, _include or _revinclude.`);
  }
  return { ...search, count: 2, total: 'none', sort: [] };
}
