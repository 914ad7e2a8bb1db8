/**
 * The HTTP headers FHIR gives meaning to (http://hl7.org/fhir/R4/http.html#versioning,
 * http://hl7.org/fhir/R4/http.html#concurrency, http://hl7.org/fhir/R4/http.html#prefer): version
 * ETags, Last-Modified dates, If-Match, If-Modified-Since and Prefer. Pure text in, values out;
 * this module never reads the record and never decides what an interaction does with a header.
 */
import { FhirError, type StoredResource } from '@kindred/fhir';

/** The version id as a weak ETag: `W/"3"` (http://hl7.org/fhir/R4/http.html#versioning). */
export function versionEtag(versionId: string): string {
  return `W/"${versionId}"`;
}

/** An instant as an HTTP-date (RFC 7231 §7.1.1.1), which is what Last-Modified carries. */
export function httpDate(instant: string): string {
  return new Date(instant).toUTCString();
}

/** ETag and Last-Modified of a stored version (http://hl7.org/fhir/R4/http.html#read). */
export function versionHeaders(resource: StoredResource): Record<string, string> {
  return { ETag: versionEtag(resource.meta.versionId), 'Last-Modified': httpDate(resource.meta.lastUpdated) };
}

/**
 * The version a client names in If-Match or If-None-Match: `W/"3"`, or leniently `"3"` or `3`.
 * Throws INVALID_REQUEST for anything else, so that a typo is not read as "no condition".
 */
export function parseVersionTag(header: string, name: 'If-Match' | 'If-None-Match'): string {
  const match = /^\s*(?:W\/)?"?([A-Za-z0-9\-.]{1,64})"?\s*$/.exec(header);
  if (!match?.[1]) {
    throw new FhirError('INVALID_REQUEST', `The ${name} header must name one version as a weak ETag, e.g. ${name}: W/"3" (http://hl7.org/fhir/R4/http.html#concurrency).`);
  }
  return match[1];
}

/** If-Modified-Since as epoch ms; undefined when it is not an HTTP-date (RFC 7232 §3.3: "a recipient MUST ignore" an invalid date). */
export function parseHttpDate(header: string): number | undefined {
  const ms = Date.parse(header);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Whether a stored version counts as not modified since `sinceMs`: HTTP-dates have whole
 * seconds, so the version's instant is compared at that precision (RFC 7232 §3.3).
 */
export function notModifiedSince(resource: StoredResource, sinceMs: number): boolean {
  const updated = Math.floor(Date.parse(resource.meta.lastUpdated) / 1000) * 1000;
  return updated <= sinceMs;
}

export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';
export type HandlingPreference = 'strict' | 'lenient';

export interface Preferences {
  /** http://hl7.org/fhir/R4/http.html#return; representation when absent */
  return: ReturnPreference;
  /** http://hl7.org/fhir/R4/search.html#errors; lenient when absent */
  handling: HandlingPreference;
}

/**
 * The Prefer header (RFC 7240), e.g. `return=minimal, handling=strict`. Unknown or malformed
 * preferences are ignored, as RFC 7240 §2 asks of a server that does not understand them.
 */
export function parsePrefer(header: string | undefined): Preferences {
  const preferences: Preferences = { return: 'representation', handling: 'lenient' };
  for (const part of (header ?? '').split(/[,;]/)) {
    const [rawName, rawValue] = part.split('=', 2);
    const name = rawName?.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"(.*)"$/, '$1');
    if (name === 'return' && (value === 'minimal' || value === 'representation' || value === 'OperationOutcome')) preferences.return = value;
    if (name === 'handling' && (value === 'strict' || value === 'lenient')) preferences.handling = value;
  }
  return preferences;
}

/** The HTTP status line text used in Bundle.entry.response.status ("201 Created"). */
export function statusText(status: number): string {
  return `${status} ${STATUS_REASONS[status] ?? ''}`.trim();
}

const STATUS_REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
