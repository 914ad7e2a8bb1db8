/**
 * How the search parser reports faults, and the limits it puts on hostile input. Every message
 * names the parameter and says what to write instead, because the client reads it in an
 * OperationOutcome. This module builds errors; it never decides what is valid.
 */
import { FhirError } from '../errors.ts';

/** The page every search message points into. */
export const SEARCH_SPEC = 'http://hl7.org/fhir/R4/search.html';

/** More parameters than any real search uses: a request past this is refused as too costly. */
export const MAX_SEARCH_PARAMETERS = 200;
/** Comma-separated (OR) values in one parameter: each becomes a bound value in the database query. */
export const MAX_OR_VALUES = 500;
/** Characters in one parameter's value, all its OR values together. */
export const MAX_VALUE_LENGTH = 16_384;

/** Quotes a client's text for a message, cut short so that a huge value cannot flood the outcome. */
export function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(shown);
}

/** "a Patient", "an Encounter": resource type names in messages read as English. */
export function aOrAn(word: string): string {
  return `${/^[AEIOU]/.test(word) ? 'an' : 'a'} ${word}`;
}

export function invalidSearch(message: string): FhirError {
  return new FhirError('INVALID_SEARCH', message);
}

export function tooCostly(message: string): FhirError {
  return new FhirError('TOO_COSTLY', message);
}
