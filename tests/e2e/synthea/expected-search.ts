/**
 * The rules of FHIR R4 search (http://hl7.org/fhir/R4/search.html), written again here, small and
 * slow, to compute from the Synthea files the answer each search must give. It must not use
 * Kindred's search, indexing, FHIRPath or date code: an answer computed by the code under test
 * would agree with it whatever it did.
 *
 * Only what the Synthea test asks is covered: strings on HumanName, tokens on Identifier, Coding
 * and CodeableConcept, dates and Periods, and literal references.
 */
import { isJsonObject, objectsOf, stringOf, stringsOf, type Json, type JsonObject } from './source-files.ts';

// --- string: search.html#string ----------------------------------------------------------------

/**
 * "This search is insensitive to casing and included combining characters, like accents or other
 * diacritical marks": decompose, drop the combining marks, fold case. "Punctuation and
 * non-significant whitespace ... should also be ignored": punctuation is dropped and runs of white
 * space count as one.
 */
export function foldForSearch(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLocaleLowerCase('en')
    .replace(/\p{P}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "By default, a field matches a string query if the value of the field equals or starts with the supplied parameter value". */
export function startsWithFolded(field: string, query: string): boolean {
  return foldForSearch(field).startsWith(foldForSearch(query));
}

/** `:contains`: "the search should match if the value ... matches anywhere in the field" (same folding). */
export function containsFolded(field: string, query: string): boolean {
  return foldForSearch(field).includes(foldForSearch(query));
}

/** `:exact`: "the search parameter value ... matches the entire field exactly", case and accents included. */
export function equalsExactly(field: string, query: string): boolean {
  return field === query;
}

/**
 * The string parts of HumanName that `name` searches. Patient-name's definition: "A server defined
 * search that may match any of the string fields in the HumanName, including family, give[n],
 * prefix, suffix, suffix, and/or text"; Kindred chose all of them, so the prefix "Mrs." is a name.
 */
export function humanNameParts(name: JsonObject): string[] {
  return [...stringsOf(name.family), ...stringsOf(name.given), ...stringsOf(name.prefix), ...stringsOf(name.suffix), ...stringsOf(name.text)];
}

// --- token: search.html#token --------------------------------------------------------------------

/**
 * A token query "[system]|[code]", "[code]" or "[system]|". Codes compare exactly: "the match is
 * case sensitive unless the underlying semantics for the context indicate that the token should be
 * interpreted case-insensitively", which none of the systems used here do.
 */
export function tokenMatches(system: string | undefined, code: string | undefined, query: string): boolean {
  const bar = query.indexOf('|');
  if (bar < 0) return code === query;
  const [querySystem, queryCode] = [query.slice(0, bar), query.slice(bar + 1)];
  if (querySystem === '') return system === undefined && code === queryCode; // "|[code]": no system
  if (queryCode === '') return system === querySystem; // "[system]|": any code in that system
  return system === querySystem && code === queryCode;
}

export function identifierMatches(identifiers: Json | undefined, query: string): boolean {
  return objectsOf(identifiers).some((i) => tokenMatches(stringOf(i.system), stringOf(i.value), query));
}

/** A Coding, or any Coding of a CodeableConcept. */
export function codingMatches(codeable: Json | undefined, query: string): boolean {
  return objectsOf(codeable).some((c) => {
    const codings = c.coding === undefined ? [c] : objectsOf(c.coding);
    return codings.some((coding) => tokenMatches(stringOf(coding.system), stringOf(coding.code), query));
  });
}

// --- reference: search.html#reference, references.html#literal -----------------------------------

/**
 * "Type/id" when the reference is a literal relative one, else undefined. Synthea's
 * `Practitioner?identifier=…` are conditional references: a transaction would resolve them, but as
 * ndjson they are kept as written, point at no resource, and so match no `Type/id` search.
 */
export function literalTarget(reference: Json | undefined): string | undefined {
  const text = isJsonObject(reference) ? stringOf(reference.reference) : undefined;
  return text !== undefined && /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(text) ? text : undefined;
}

// --- date: search.html#date, #prefix, datatypes.html#dateTime ------------------------------------

/** A date, dateTime or instant as the range of time it stands for: [start, end) in ms since 1970. */
export interface TimeRange {
  start: number;
  end: number;
}

const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * "Date parameters may be specified to different levels of precision ... the value is treated as an
 * implicit range": 2015 is the whole of 2015, 2015-06-01T10:00:00 the whole of that second. A value
 * with no time zone is taken in `assumedOffsetMinutes` ("the server's local time zone should be
 * assumed"); callers try the extremes to find out whether the answer depends on it.
 */
export function timeRangeOf(value: string, assumedOffsetMinutes: number): TimeRange {
  const m = DATE_TIME.exec(value);
  if (m === null) throw new Error(`not a FHIR date or dateTime: ${value}`);
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 0 : Number(mo) - 1;
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  let offset = assumedOffsetMinutes;
  if (zone === 'Z') offset = 0;
  else if (zone !== undefined) offset = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const start = Date.UTC(year, month, day, hour, minute, second, millis) - offset * 60_000;
  let end: number;
  if (mo === undefined) end = Date.UTC(year + 1, 0, 1) - offset * 60_000;
  else if (d === undefined) end = Date.UTC(year, month + 1, 1) - offset * 60_000;
  else if (h === undefined) end = start + 86_400_000;
  else if (s === undefined) end = start + 60_000;
  else if (fraction === undefined) end = start + 1000;
  else end = start + Math.max(1, 10 ** (3 - Math.min(3, fraction.length - 1)));
  return { start, end };
}

/** A Period as a range: a missing start is open to the past, a missing end "is ongoing" (datatypes.html#Period). */
export function periodRangeOf(period: Json | undefined, assumedOffsetMinutes: number): TimeRange | undefined {
  if (!isJsonObject(period)) return undefined;
  const start = stringOf(period.start);
  const end = stringOf(period.end);
  if (start === undefined && end === undefined) return undefined;
  return {
    start: start === undefined ? -Infinity : timeRangeOf(start, assumedOffsetMinutes).start,
    end: end === undefined ? Infinity : timeRangeOf(end, assumedOffsetMinutes).end,
  };
}

export const DATE_PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const;
export type DatePrefix = (typeof DATE_PREFIXES)[number];

/** Splits "ge2015-01-01" into its prefix (eq when there is none) and value. */
export function splitPrefix(query: string): { prefix: DatePrefix; value: string } {
  const prefix = DATE_PREFIXES.find((p) => query.startsWith(p));
  return prefix === undefined ? { prefix: 'eq', value: query } : { prefix, value: query.slice(2) };
}

/**
 * The table in search.html#prefix, for ranges: "the range above the search value" is [end, ∞),
 * "the range below" is (-∞, start).
 */
export function dateMatches(prefix: DatePrefix, search: TimeRange, target: TimeRange): boolean {
  const contains = search.start <= target.start && target.end <= search.end;
  const aboveOverlaps = target.end > search.end;
  const belowOverlaps = target.start < search.start;
  switch (prefix) {
    case 'eq':
      return contains;
    case 'ne':
      return !contains;
    case 'gt':
      return aboveOverlaps;
    case 'lt':
      return belowOverlaps;
    case 'ge':
      return aboveOverlaps || contains;
    case 'le':
      return belowOverlaps || contains;
    case 'sa':
      return target.start >= search.end;
    case 'eb':
      return target.end <= search.start;
  }
}

/** The most western and most eastern UTC offsets in use (minutes): -12:00 and +14:00. */
export const OFFSET_EXTREMES = [-12 * 60, 14 * 60] as const;
