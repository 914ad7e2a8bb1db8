/**
 * How one value found by a search parameter's expression becomes index rows, per parameter type
 * and FHIR type, following http://hl7.org/fhir/R4/search.html section by section. Values of a type
 * that a parameter type does not define a meaning for (a Range for a quantity, an Attachment for a
 * reference…) give no rows rather than a guess. Pure; inputs are only read.
 */
import { dateRange } from '../datetime.ts';
import { parseLiteralReference, type TypedValue } from '../fhirpath/index.ts';
import { isPlainObject } from '../types.ts';
import { MAX_INSTANT, MIN_INSTANT } from './index-rows.ts';
import { normalizeString } from './normalize.ts';
import type { IndexRowCollector } from './row-collector.ts';

type Json = Record<string, unknown>;

function text(object: Json, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function texts(object: Json, key: string): string[] {
  const value = object[key];
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

function objects(object: Json, key: string): Json[] {
  const value = object[key];
  if (isPlainObject(value)) return [value];
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

const STRING_LIKE = new Set(['string', 'markdown', 'code', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid']);

// --- string: http://hl7.org/fhir/R4/search.html#string -------------------------------------------

function addString(rows: IndexRowCollector, value: string): void {
  const normalized = normalizeString(value);
  if (normalized !== '') rows.string(normalized, value);
}

/**
 * "string" parameters on HumanName search family, given, prefix, suffix and text; on Address the
 * line, city, district, state, country, postalCode and text (search.html#string). The full name
 * is indexed too, so that "Peter James Chalmers" finds the name written in parts.
 */
export function addStringValues(rows: IndexRowCollector, { value, type }: TypedValue): void {
  if (typeof value === 'string') {
    if (STRING_LIKE.has(type)) addString(rows, value);
    return;
  }
  if (!isPlainObject(value)) return;
  if (type === 'HumanName') {
    const parts = [...texts(value, 'prefix'), ...texts(value, 'given'), ...texts(value, 'family'), ...texts(value, 'suffix')];
    for (const part of parts) addString(rows, part);
    const textValue = text(value, 'text');
    if (textValue !== undefined) addString(rows, textValue);
    if (parts.length > 1) addString(rows, parts.join(' '));
  } else if (type === 'Address') {
    for (const key of ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text']) {
      for (const part of texts(value, key)) addString(rows, part);
    }
  }
}

// --- token: http://hl7.org/fhir/R4/search.html#token ---------------------------------------------

function addTokenText(rows: IndexRowCollector, value: string | undefined): void {
  if (value === undefined) return;
  const normalized = normalizeString(value);
  if (normalized !== '') rows.tokenText(normalized);
}

function addCoding(rows: IndexRowCollector, coding: Json): void {
  const system = text(coding, 'system') ?? null;
  const value = text(coding, 'code') ?? null;
  if (system !== null || value !== null) rows.token(system, value);
  addTokenText(rows, text(coding, 'display'));
}

/**
 * The token table of search.html#token: Coding → system|code; CodeableConcept → each coding;
 * Identifier → system|value; ContactPoint → value, with no system (the table leaves the URI column
 * empty for it); code, boolean, id, uri and string → the value, with no system ("the implicit
 * system for boolean values … is never actually used"). Coding.display, CodeableConcept.text and
 * Identifier.type.text are what `:text` searches (search.html#modifiers).
 */
export function addTokenValues(rows: IndexRowCollector, { value, type }: TypedValue): void {
  if (typeof value === 'boolean') {
    rows.token(null, value ? 'true' : 'false');
    return;
  }
  if (typeof value === 'string') {
    if (value !== '') rows.token(null, value);
    return;
  }
  if (!isPlainObject(value)) return;
  switch (type) {
    case 'Coding':
      addCoding(rows, value);
      break;
    case 'CodeableConcept':
      for (const coding of objects(value, 'coding')) addCoding(rows, coding);
      addTokenText(rows, text(value, 'text'));
      break;
    case 'Identifier': {
      const system = text(value, 'system') ?? null;
      const identifierValue = text(value, 'value') ?? null;
      if (system !== null || identifierValue !== null) rows.token(system, identifierValue);
      const identifierType = value.type;
      if (isPlainObject(identifierType)) addTokenText(rows, text(identifierType, 'text'));
      break;
    }
    case 'ContactPoint': {
      const contactValue = text(value, 'value');
      if (contactValue !== undefined) rows.token(null, contactValue);
      break;
    }
    default:
      break;
  }
}

// --- reference: http://hl7.org/fhir/R4/search.html#reference -------------------------------------

/**
 * A literal reference or canonical: relative "Type/id" → type and id; absolute → the url (without
 * "|version"), plus type and id when it ends in Type/id, so that the store can tell whether the url
 * is this server's; a contained "#x" names nothing indexable.
 */
function addLiteralReference(rows: IndexRowCollector, literal: string): void {
  const parsed = parseLiteralReference(literal);
  if (parsed.contained !== undefined) return;
  if (parsed.url !== undefined) rows.reference(parsed.type ?? null, parsed.id ?? null, parsed.url);
  else if (parsed.type !== undefined && parsed.id !== undefined) rows.reference(parsed.type, parsed.id, null);
}

/**
 * Reference.reference as a literal reference, except conditional ones ("Type?query", which only a
 * transaction may hold and resolves); Reference.identifier for `:identifier`; canonical and uri
 * elements by their url (search.html#reference, references.html#literal).
 */
export function addReferenceValues(rows: IndexRowCollector, { value, type }: TypedValue): void {
  if (typeof value === 'string') {
    if (value !== '' && (type === 'canonical' || type === 'uri' || type === 'url')) addLiteralReference(rows, value);
    return;
  }
  if (type !== 'Reference' || !isPlainObject(value)) return;
  const literal = text(value, 'reference');
  if (literal !== undefined && !literal.includes('?')) addLiteralReference(rows, literal);
  const identifier = value.identifier;
  if (isPlainObject(identifier)) {
    const system = text(identifier, 'system') ?? null;
    const identifierValue = text(identifier, 'value') ?? null;
    if (system !== null || identifierValue !== null) rows.referenceIdentifier(system, identifierValue);
  }
}

// --- date: http://hl7.org/fhir/R4/search.html#date -----------------------------------------------

interface Bounds {
  low: number;
  high: number;
}

/** A Period is the range from its start to its end; a missing end leaves it open that way. */
function periodBounds(period: Json): Bounds | undefined {
  const start = text(period, 'start');
  const end = text(period, 'end');
  const low = start === undefined ? MIN_INSTANT : dateRange(start)?.low;
  const high = end === undefined ? MAX_INSTANT : dateRange(end)?.high;
  if ((start === undefined && end === undefined) || low === undefined || high === undefined) return undefined;
  return { low, high };
}

/** A Timing counts by its outer limits only: its events and repeat.boundsPeriod (search.html#date). */
function timingBounds(timing: Json): Bounds | undefined {
  const parts: Bounds[] = [];
  for (const event of texts(timing, 'event')) {
    const range = dateRange(event);
    if (range) parts.push(range);
  }
  const repeat = timing.repeat;
  if (isPlainObject(repeat) && isPlainObject(repeat.boundsPeriod)) {
    const bounds = periodBounds(repeat.boundsPeriod);
    if (bounds) parts.push(bounds);
  }
  if (parts.length === 0) return undefined;
  return { low: Math.min(...parts.map((p) => p.low)), high: Math.max(...parts.map((p) => p.high)) };
}

/**
 * date, dateTime and instant stand for the range their precision implies ("2013-01" is all of
 * January); Period for its start to end; Timing for its outer limits (search.html#date).
 */
export function addDateValues(rows: IndexRowCollector, { value, type }: TypedValue): void {
  let bounds: Bounds | undefined;
  if (typeof value === 'string') {
    if (type === 'date' || type === 'dateTime' || type === 'instant') bounds = dateRange(value);
  } else if (isPlainObject(value)) {
    if (type === 'Period') bounds = periodBounds(value);
    else if (type === 'Timing') bounds = timingBounds(value);
  }
  if (bounds) rows.date(bounds.low, bounds.high);
}

// --- number and quantity: search.html#number, search.html#quantity -------------------------------

const NUMBER_TYPES = new Set(['integer', 'decimal', 'positiveInt', 'unsignedInt']);
const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity', 'MoneyQuantity']);

export function addNumberValues(rows: IndexRowCollector, { value, type }: TypedValue): void {
  if (typeof value === 'number' && Number.isFinite(value) && NUMBER_TYPES.has(type)) rows.number(value);
}

/**
 * A quantity is matched on value, system and code, or on the unit where there is no code
 * (search.html#quantity). Money has no system or code of its own: its currency is an ISO 4217 code.
 */
export function addQuantityValues(rows: IndexRowCollector, { value, type }: TypedValue): void {
  if (!isPlainObject(value)) return;
  const amount = value.value;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return;
  if (QUANTITY_TYPES.has(type)) {
    rows.quantity(amount, text(value, 'system') ?? null, text(value, 'code') ?? text(value, 'unit') ?? null);
  } else if (type === 'Money') {
    const currency = text(value, 'currency') ?? null;
    rows.quantity(amount, currency === null ? null : 'urn:iso:std:iso:4217', currency);
  }
}

// --- uri: http://hl7.org/fhir/R4/search.html#uri -------------------------------------------------

const URI_TYPES = new Set(['uri', 'url', 'canonical', 'oid', 'uuid']);

export function addUriValues(rows: IndexRowCollector, { value, type }: TypedValue): void {
  if (typeof value === 'string' && value !== '' && URI_TYPES.has(type)) rows.uri(value);
}
