/**
 * String matching for search (http://hl7.org/fhir/R4/search.html#string): "case-insensitive and
 * accent-insensitive". Index rows and search values pass through the same function so that they
 * always agree.
 */

/** Longest normalised value kept in the index; searches compare at most this many characters. */
export const MAX_INDEXED_STRING = 256;

export function normalizeString(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_INDEXED_STRING);
}
