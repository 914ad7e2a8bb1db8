/**
 * String matching for search (http://hl7.org/fhir/R4/search.html#string): insensitive to case and
 * to accents and other combining marks, and "punctuation and non-significant whitespace (e.g.
 * repeated space characters, tab vs space) should also be ignored": O'Keefe is found by okeefe.
 * Index rows and search values pass through the same function so that they always agree.
 */

/** Longest normalised value kept in the index; searches compare at most this many characters. */
export const MAX_INDEXED_STRING = 256;

export function normalizeString(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\p{P}/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_INDEXED_STRING);
}
