/**
 * Content negotiation for the FHIR API (http://hl7.org/fhir/R4/http.html#mime-type): Kindred
 * answers in FHIR JSON only. `_format` overrides Accept ("_format … overrides the Accept header",
 * http://hl7.org/fhir/R4/http.html#parameters); asking for anything that is not JSON is a 406.
 * Also the media types a request body may have. Pure header logic, no I/O.
 */
import { FhirError } from '@kindred/fhir';

export const FHIR_JSON_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';

/** `_format` values meaning JSON (http://hl7.org/fhir/R4/http.html#mime-type: "json", and the mime types). */
const JSON_FORMATS: ReadonlySet<string> = new Set(['json', 'application/json', 'application/fhir+json', 'text/json']);
/**
 * Accept media ranges a JSON answer satisfies. NDJSON is here because Bulk Data clients ask for
 * their output files with `Accept: application/fhir+ndjson` (Bulk Data "Output File Request"); the
 * file routes answer in NDJSON, and anything else answered to such a client is still JSON.
 */
const JSON_RANGES: ReadonlySet<string> = new Set([
  '*/*',
  'application/*',
  'application/json',
  'application/fhir+json',
  'text/json',
  'text/*',
  'application/fhir+ndjson',
  'application/ndjson',
]);

function mediaTypeOf(value: string): string {
  return (value.split(';', 1)[0] ?? '').trim().toLowerCase();
}

/** q=0 means "not acceptable" (RFC 9110 §12.4.2). */
function quality(range: string): number {
  const q = /;\s*q\s*=\s*([0-9.]+)/i.exec(range)?.[1];
  return q === undefined ? 1 : Number(q);
}

/** Throws NOT_ACCEPTABLE unless the client can take FHIR JSON. */
export function requireJsonAnswer(format: string | undefined, accept: string | undefined): void {
  if (format !== undefined) {
    const wanted = mediaTypeOf(format.replace(/ /g, '+'));
    if (JSON_FORMATS.has(wanted)) return;
    throw new FhirError('NOT_ACCEPTABLE', `_format=${JSON.stringify(format)} is not offered: Kindred answers in FHIR JSON only (use _format=json or leave it out).`);
  }
  if (accept === undefined || accept.trim() === '') return;
  const ranges = accept.split(',').filter((range) => range.trim() !== '' && quality(range) > 0);
  if (ranges.length === 0 || ranges.some((range) => JSON_RANGES.has(mediaTypeOf(range)))) return;
  throw new FhirError('NOT_ACCEPTABLE', `Accept: ${JSON.stringify(accept.slice(0, 100))} asks for a format Kindred does not offer: it answers in FHIR JSON only (Accept: application/fhir+json).`);
}

/** Request body media types the FHIR API reads; each interaction then says which of them it takes. */
export const BODY_MEDIA_TYPES = ['application/fhir+json', 'application/json', 'application/json-patch+json'] as const;
export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** The body's media type without parameters, lowercased: "application/fhir+json; charset=utf-8" → "application/fhir+json". */
export function bodyMediaType(contentType: string | undefined): string | undefined {
  return contentType === undefined ? undefined : mediaTypeOf(contentType);
}
