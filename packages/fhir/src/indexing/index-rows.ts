/**
 * What a resource contributes to the search indexes: one list per kind of index, each row naming
 * the search parameter code it belongs to. Extraction (extract-index.ts) produces these from the
 * SearchParameter FHIRPath expressions; the store writes them to its index tables.
 *
 * Dates are epoch milliseconds (UTC), both ends inclusive, following the implicit-precision ranges
 * of http://hl7.org/fhir/R4/search.html#date; an open end is ±MAX_INSTANT.
 */

/** The largest time a JavaScript Date can hold; used for open-ended Periods. */
export const MAX_INSTANT = 8_640_000_000_000_000;
export const MIN_INSTANT = -8_640_000_000_000_000;

export interface StringIndexRow {
  code: string;
  /** normalised for matching: accents removed, lower case, whitespace collapsed (see normalizeString) */
  value: string;
  /** as written, for `:exact` */
  exact: string;
}

export interface TokenIndexRow {
  code: string;
  system: string | null;
  value: string | null;
}

/** Text that a token parameter's `:text` modifier searches (CodeableConcept.text, Coding.display, Identifier.type.text). */
export interface TokenTextIndexRow {
  code: string;
  /** normalised like StringIndexRow.value */
  value: string;
}

export interface ReferenceIndexRow {
  code: string;
  /** for a literal reference "Type/id" (or ".../Type/id/_history/n"): the type and id */
  targetType: string | null;
  targetId: string | null;
  /** absolute or canonical references (and logical references with no literal part): the url as written, version stripped */
  url: string | null;
}

/** Reference.identifier, searched with the `:identifier` modifier. */
export interface ReferenceIdentifierIndexRow {
  code: string;
  system: string | null;
  value: string | null;
}

export interface DateIndexRow {
  code: string;
  low: number;
  high: number;
}

export interface NumberIndexRow {
  code: string;
  value: number;
}

export interface QuantityIndexRow {
  code: string;
  value: number;
  system: string | null;
  /** Quantity.code, or Quantity.unit when there is no code */
  unit: string | null;
}

export interface UriIndexRow {
  code: string;
  value: string;
}

export interface IndexRows {
  strings: StringIndexRow[];
  tokens: TokenIndexRow[];
  tokenTexts: TokenTextIndexRow[];
  references: ReferenceIndexRow[];
  referenceIdentifiers: ReferenceIdentifierIndexRow[];
  dates: DateIndexRow[];
  numbers: NumberIndexRow[];
  quantities: QuantityIndexRow[];
  uris: UriIndexRow[];
}

export function emptyIndexRows(): IndexRows {
  return { strings: [], tokens: [], tokenTexts: [], references: [], referenceIdentifiers: [], dates: [], numbers: [], quantities: [], uris: [] };
}
