/**
 * One search parameter of a known, supported definition → one SearchFilter: the modifiers each
 * type allows (http://hl7.org/fhir/R4/search.html#modifiers) and the OR values of its value.
 * Chains and `_has` build on this (chain-and-has.ts); deciding whether a parameter is known is
 * parse-search.ts's job, not this module's.
 */
import { isResourceType } from '../model.ts';
import type { SearchParameterDefinition } from '../search-parameters.ts';
import { isValidId } from '../references.ts';
import { splitUnescaped, unescapeValue } from './escaping.ts';
import { parseDateValue, parseNumberValue, parseQuantityValue } from './ordered-values.ts';
import { parseReferenceValue } from './reference-values.ts';
import { aOrAn, invalidSearch, MAX_OR_VALUES, quote, tooCostly } from './search-errors.ts';
import type { ParamKey, SearchFilter } from './search-request.ts';
import { parseMissingValue, parseTokenValue } from './token-values.ts';

export interface FilterTarget {
  /** the type whose parameter this is (the searched type, a chain target or a _has source) */
  resourceType: string;
  def: SearchParameterDefinition;
  /** the parameter as the client wrote it, without its modifier, for messages */
  label: string;
}

export interface FilterOptions {
  baseUrl?: string;
}

/** Modifiers the specification defines that Kindred does not implement, per type, with the reason. */
const NOT_IMPLEMENTED: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  [
    'token',
    new Map([
      ['of-type', 'identifier type searches (:of-type) are not supported'],
      ['in', 'value set membership (:in) is not supported'],
      ['not-in', 'value set membership (:not-in) is not supported'],
      ['below', 'subsumption (:below) is not supported'],
      ['above', 'subsumption (:above) is not supported'],
    ]),
  ],
  [
    'reference',
    new Map([
      ['below', 'hierarchy and canonical version searches (:below) are not supported'],
      ['above', 'hierarchy searches (:above) are not supported'],
    ]),
  ],
]);

/** The modifiers each type does take, for messages. */
const ALLOWED: ReadonlyMap<string, string> = new Map([
  ['string', ':exact, :contains or :missing'],
  ['token', ':not, :text or :missing'],
  ['reference', ':[type] (e.g. :Patient), :identifier or :missing'],
  ['uri', ':below, :above or :missing'],
  ['date', ':missing'],
  ['number', ':missing'],
  ['quantity', ':missing'],
]);

function paramKey(target: FilterTarget): ParamKey {
  return { resourceType: target.resourceType, code: target.def.code, type: target.def.type };
}

function badModifier(target: FilterTarget, modifier: string): Error {
  const known = NOT_IMPLEMENTED.get(target.def.type)?.get(modifier);
  if (known !== undefined) {
    return invalidSearch(`Search parameter '${target.label}:${modifier}': ${known} by this server.`);
  }
  const allowed = ALLOWED.get(target.def.type);
  return invalidSearch(
    `Search parameter '${target.label}:${modifier}': ${quote(modifier)} is not a modifier of ${target.def.type} parameters` +
      `${allowed === undefined ? '' : `; use ${allowed}, or none`} (http://hl7.org/fhir/R4/search.html#modifiers).`,
  );
}

/** The escaped OR values of a parameter, with empty ones dropped ("a,,b" is "a,b"). */
export function orValues(raw: string, label: string): string[] {
  const pieces = splitUnescaped(raw, ',', label).filter((piece) => piece !== '');
  if (pieces.length > MAX_OR_VALUES) {
    throw tooCostly(`Search parameter '${label}' has ${pieces.length} comma-separated values; at most ${MAX_OR_VALUES} are accepted.`);
  }
  return pieces;
}

/**
 * The filter for `label[:modifier]=raw`, or undefined when the value holds nothing to search
 * for (only commas): such a parameter is ignored like an empty one.
 */
export function parseFilter(target: FilterTarget, modifier: string | undefined, raw: string, options: FilterOptions): SearchFilter | undefined {
  const { def, label } = target;
  if (def.code === '_id') return parseIdFilter(label, modifier, raw);
  if (def.code === '_lastUpdated') {
    if (modifier !== undefined) throw invalidSearch(`Search parameter '${label}:${modifier}': _lastUpdated takes no modifier.`);
    const values = orValues(raw, label).map((piece) => parseDateValue(piece, label));
    return values.length === 0 ? undefined : { kind: 'last-updated', values };
  }
  if (modifier === 'missing') return { kind: 'missing', param: paramKey(target), missing: parseMissingValue(raw, label) };

  const pieces = orValues(raw, label);
  if (pieces.length === 0) return undefined;
  const param = paramKey(target);
  const text = (): string[] => pieces.map((piece) => unescapeValue(piece, label));
  switch (def.type) {
    case 'string':
      if (modifier === undefined) return { kind: 'string', param, values: text() };
      if (modifier === 'exact' || modifier === 'contains') return { kind: 'string', param, modifier, values: text() };
      throw badModifier(target, modifier);
    case 'token':
      if (modifier === undefined) return { kind: 'token', param, values: pieces.map((p) => parseTokenValue(p, label)) };
      if (modifier === 'not') return { kind: 'token', param, modifier, values: pieces.map((p) => parseTokenValue(p, label)) };
      if (modifier === 'text') return { kind: 'token-text', param, values: text() };
      throw badModifier(target, modifier);
    case 'reference':
      return parseReferenceFilter(target, param, modifier, pieces, options);
    case 'uri':
      if (modifier === undefined) return { kind: 'uri', param, values: text() };
      if (modifier === 'below' || modifier === 'above') return { kind: 'uri', param, modifier, values: text() };
      throw badModifier(target, modifier);
    case 'date':
      if (modifier !== undefined) throw badModifier(target, modifier);
      return { kind: 'date', param, values: pieces.map((p) => parseDateValue(p, label)) };
    case 'number':
      if (modifier !== undefined) throw badModifier(target, modifier);
      return { kind: 'number', param, values: pieces.map((p) => parseNumberValue(p, label)) };
    case 'quantity':
      if (modifier !== undefined) throw badModifier(target, modifier);
      return { kind: 'quantity', param, values: pieces.map((p) => parseQuantityValue(p, label)) };
    case 'composite':
    case 'special':
      // parse-search.ts reports these as unsupported before they get here
      throw invalidSearch(`Search parameter '${label}': ${def.type} parameters are not supported by this server.`);
  }
}

function parseReferenceFilter(
  target: FilterTarget,
  param: ParamKey,
  modifier: string | undefined,
  pieces: string[],
  options: FilterOptions,
): SearchFilter {
  const { def, label } = target;
  if (modifier === 'identifier') {
    // http://hl7.org/fhir/R4/search.html#reference: with :identifier the value is a token on Reference.identifier
    return { kind: 'reference-identifier', param, values: pieces.map((p) => parseTokenValue(p, label)) };
  }
  const targets = def.target ?? [];
  if (modifier !== undefined) {
    if (!isResourceType(modifier)) throw badModifier(target, modifier);
    if (targets.length > 0 && !targets.includes(modifier)) {
      throw invalidSearch(`Search parameter '${label}:${modifier}': ${label} cannot refer to ${aOrAn(modifier)}; it refers to ${targets.join(', ')}.`);
    }
  }
  const ctx = {
    label,
    targets,
    ...(modifier === undefined ? {} : { typeModifier: modifier }),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  };
  return { kind: 'reference', param, values: pieces.map((p) => parseReferenceValue(p, ctx)) };
}

/** `_id` (http://hl7.org/fhir/R4/search.html#id): exact, case-sensitive logical ids; `:not` negates. */
function parseIdFilter(label: string, modifier: string | undefined, raw: string): SearchFilter | undefined {
  if (modifier !== undefined && modifier !== 'not') {
    throw invalidSearch(`Search parameter '${label}:${modifier}': _id takes no modifier but :not (every resource has an id).`);
  }
  const values = orValues(raw, label).map((piece) => unescapeValue(piece, label));
  for (const id of values) {
    if (!isValidId(id)) {
      throw invalidSearch(
        `Search parameter '${label}': ${quote(id)} is not a valid id; an id is 1 to 64 letters, digits, '-' and '.' ` +
          '(http://hl7.org/fhir/R4/datatypes.html#id). To search by reference use a reference parameter.',
      );
    }
  }
  if (values.length === 0) return undefined;
  return modifier === 'not' ? { kind: 'id', values, not: true } : { kind: 'id', values };
}
