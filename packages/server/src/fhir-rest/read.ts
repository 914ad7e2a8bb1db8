/**
 * read and vread (http://hl7.org/fhir/R4/http.html#read, #vread), with conditional read
 * (If-None-Match, If-Modified-Since → 304, http://hl7.org/fhir/R4/http.html#cread) and `_summary`
 * / `_elements` on the returned resource (http://hl7.org/fhir/R4/search.html#summary applies to
 * read too). HEAD is answered like GET; the transport leaves the body out. Reads only.
 */
import { applyElements, applySummary, parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import { notModifiedSince, parseHttpDate, parseVersionTag, versionHeaders } from './headers.ts';
import { requireId, requireResourceType } from './request-checks.ts';

/** Parameters a read takes besides the general ones; others are ignored (http://hl7.org/fhir/R4/http.html#parameters). */
const SHAPING = new Set(['_summary', '_elements']);

/** The resource as `_summary` or `_elements` in the query ask for it, parsed with the search rules. */
function shape(resource: StoredResource, request: FhirRequest): Resource {
  const params = request.query.filter(([name]) => SHAPING.has(name));
  if (params.length === 0) return resource;
  const { summary, elements } = parseSearchRequest(resource.resourceType, params, { handling: 'strict' });
  if (summary !== undefined && summary !== 'false' && summary !== 'count') return applySummary(resource, summary);
  if (elements !== undefined) return applyElements(resource, elements);
  return resource;
}

/**
 * 304 when the client's copy is current: If-None-Match names the current version, or (only when
 * If-None-Match is absent, RFC 7232 §6) If-Modified-Since is not older than it.
 */
function notModified(resource: StoredResource, request: FhirRequest): boolean {
  const { ifNoneMatch, ifModifiedSince } = request.headers;
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    return ifNoneMatch.split(',').some((tag) => parseVersionTag(tag, 'If-None-Match') === resource.meta.versionId);
  }
  if (ifModifiedSince !== undefined) {
    const since = parseHttpDate(ifModifiedSince);
    return since !== undefined && notModifiedSince(resource, since);
  }
  return false;
}

function answer(resource: StoredResource, request: FhirRequest): FhirResponse {
  const headers = versionHeaders(resource);
  if (notModified(resource, request)) return { status: 304, headers };
  return { status: 200, headers, body: shape(resource, request) };
}

/** `GET [base]/[type]/[id]`: 404 when unknown, 410 when deleted (the repository says which). */
export async function readResource(request: FhirRequest, context: FhirContext, type: string, id: string): Promise<FhirResponse> {
  requireResourceType(type);
  requireId(id);
  return answer(await context.repository.read(type, id), request);
}

/** `GET [base]/[type]/[id]/_history/[vid]`: 410 when that version is the deletion. */
export async function readVersion(request: FhirRequest, context: FhirContext, type: string, id: string, versionId: string): Promise<FhirResponse> {
  requireResourceType(type);
  requireId(id);
  requireId(versionId, 'version id');
  return answer(await context.repository.vread(type, id, versionId), request);
}
