/**
 * Building FhirResponses: a resource with its version headers, the answer to a write as the
 * client's `Prefer: return` asks (http://hl7.org/fhir/R4/http.html#return), and an error as an
 * OperationOutcome. Nothing here touches the record.
 */
import { ErrorCatalogue, informationOutcome, outcomeOfError, type FhirError, type StoredResource } from '@kindred/fhir';
import type { FhirLogger, FhirResponse } from './fhir-request.ts';
import { versionHeaders, type ReturnPreference } from './headers.ts';

/** `[base]/Type/id` */
export function resourceUrl(baseUrl: string, resourceType: string, id: string): string {
  return `${baseUrl}/${resourceType}/${encodeURIComponent(id)}`;
}

/** `[base]/Type/id/_history/vid`: the Location of a created or updated version (http://hl7.org/fhir/R4/http.html#create). */
export function versionUrl(baseUrl: string, resource: StoredResource): string {
  return `${resourceUrl(baseUrl, resource.resourceType, resource.id)}/_history/${encodeURIComponent(resource.meta.versionId)}`;
}

export function resourceResponse(resource: StoredResource, status = 200): FhirResponse {
  return { status, body: resource, headers: versionHeaders(resource) };
}

/**
 * The answer to a create, update or patch: status; Location (the version written, or for a
 * conditional create the one that matched), ETag and Last-Modified always; the body as Prefer
 * asks: the resource (the default), nothing, or an OperationOutcome saying what happened.
 */
export function writeResponse(
  resource: StoredResource,
  status: 200 | 201,
  preference: ReturnPreference,
  baseUrl: string,
  message: string,
): FhirResponse {
  const headers: Record<string, string> = { ...versionHeaders(resource), Location: versionUrl(baseUrl, resource) };
  switch (preference) {
    case 'minimal':
      return { status, headers };
    case 'OperationOutcome':
      return { status, headers, body: informationOutcome(message) };
    case 'representation':
      return { status, headers, body: resource };
  }
}

export function errorResponse(error: FhirError, headers?: Record<string, string>): FhirResponse {
  return { status: error.status, body: outcomeOfError(error), ...(headers ? { headers } : {}) };
}

/**
 * A fault that is not the client's: logged with its detail, answered with a generic outcome
 * so that nothing of the inside (SQL, stack, file names) reaches the client.
 */
export function internalErrorResponse(error: unknown, logger: FhirLogger | undefined): FhirResponse {
  const details = { err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) } };
  if (logger) logger.error(details, 'unexpected error in the FHIR router');
  else console.error('unexpected error in the FHIR router', details);
  const entry = ErrorCatalogue.INTERNAL;
  return {
    status: entry.status,
    body: {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: entry.code, diagnostics: `${entry.summary} The error has been logged; please try again or tell the people who run this server.` }],
    },
  };
}
