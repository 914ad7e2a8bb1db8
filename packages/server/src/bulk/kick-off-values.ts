/**
 * Small readers for the values and headers of a Bulk Data kick-off: FHIR instants, Patient
 * references, the Prefer and Accept headers, and the kick-off url the manifest repeats. Pure
 * functions; they throw FhirError with a message a client can act on and never touch I/O.
 */
import { FhirError, instantMillis, parseReference } from '@kindred/fhir';
import type { FhirRequest } from '../fhir-rest/fhir-request.ts';

/** http://hl7.org/fhir/R4/datatypes.html#instant: seconds and a zone are required. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** An instant parameter as epoch ms; INVALID_REQUEST when it is not a FHIR instant. */
export function parseInstant(name: string, value: string): number {
  const millis = INSTANT.test(value) ? instantMillis(value) : undefined;
  if (millis !== undefined) return millis;
  // A "+01:00" zone sent unencoded in a query string arrives as " 01:00": say so rather than just "invalid".
  const hint = /T\d{2}:\d{2}:\d{2}(?:\.\d+)? \d{2}:\d{2}$/.test(value) ? ' The "+" of the time zone must be sent as %2B in a url.' : '';
  throw new FhirError(
    'INVALID_REQUEST',
    `${name}: "${value}" is not a FHIR instant (for example 2024-05-01T09:30:00Z or 2024-05-01T10:30:00+01:00; http://hl7.org/fhir/R4/datatypes.html#instant).${hint}`,
  );
}

/** The id of a Patient reference on this server ("Patient/1" or "<base>/Patient/1"), or undefined. */
export function parsePatientReference(reference: string, baseUrl: string): string | undefined {
  const parsed = parseReference(reference);
  if (parsed.type !== 'Patient' || parsed.id === undefined || parsed.version !== undefined) return undefined;
  if (parsed.url !== undefined && parsed.url !== `${baseUrl}/Patient/${parsed.id}`) return undefined;
  return parsed.id;
}

/**
 * The preferences of a Prefer header (RFC 7240 §2): tokens, some with values, comma-separated.
 * "respond-async; handling=lenient" makes handling a parameter of respond-async in the RFC's
 * grammar, but its meaning is plain, so parameters are read as preferences too.
 */
export function readPrefer(prefer: string | undefined): { respondAsync: boolean; lenient: boolean } {
  const preferences = (prefer ?? '')
    .split(/[,;]/)
    .map((part) => part.trim().toLowerCase().replace(/\s*=\s*/, '='))
    .filter((part) => part !== '');
  const handling = preferences.find((p) => p.startsWith('handling='))?.slice('handling='.length).replace(/"/g, '');
  return { respondAsync: preferences.includes('respond-async'), lenient: handling === 'lenient' };
}

/** Media types of an Accept header, without parameters (q-values do not matter here: we have one format to give). */
function mediaRanges(accept: string): string[] {
  return accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '')
    .filter((part) => part !== '');
}

/**
 * Whether an Accept header admits one of `offered`. An absent header admits anything; wildcards
 * (`*\/*`, `application/*`) count.
 */
export function accepts(accept: string | undefined, offered: readonly string[]): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return mediaRanges(accept).some(
    (range) => range === '*/*' || offered.includes(range) || (range.endsWith('/*') && offered.some((o) => o.startsWith(range.slice(0, -1)))),
  );
}

/** Encodes a path segment or query value, leaving `$ , : /` readable (RFC 3986 allows them there). */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/%(24|2C|3A|2F)/gi, (escape) => decodeURIComponent(escape));
}

/**
 * The manifest's `request`: "The full URL of the original Bulk Data kick-off request. In the case
 * of a POST request, this URL will not include the request parameters" ("Response - Complete Status").
 */
export function kickOffUrl(request: FhirRequest, baseUrl: string): string {
  const path = `${baseUrl}/${request.path.map(encode).join('/')}`;
  if (request.method === 'POST' || request.query.length === 0) return path;
  return `${path}?${request.query.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&')}`;
}
