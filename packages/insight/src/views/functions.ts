/**
 * The FHIRPath functions SQL on FHIR v2 adds or pins down, given to fhirpath.js for each compiled
 * path: getResourceKey(), getReferenceKey([type]), join() and the boundary functions
 * (https://build.fhir.org/ig/FHIR/sql-on-fhir-v2/StructureDefinition-ViewDefinition.html#required-additional-functions).
 * Keys are "Type/id", so that a resource's key equals the key of a literal reference to it.
 */
import {
  compileFhirPathEvaluator,
  fhirPathItemTypes,
  fhirPathItemValues,
  parseLiteralReference,
  type FhirPathEvaluator,
  type FhirPathFunction,
} from '@kindred/fhir';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** getResourceKey(): the key of each resource in the input ("Patient/p1"). */
const getResourceKey: FhirPathFunction = {
  arity: { 0: [] },
  fn(input) {
    const keys: string[] = [];
    for (const item of input) {
      if (isRecord(item) && typeof item.resourceType === 'string' && typeof item.id === 'string') keys.push(`${item.resourceType}/${item.id}`);
    }
    return keys;
  },
};

/** The key a literal reference points to, if it names a type and an id (relative or absolute URL). */
export function referenceKey(reference: unknown, wantedType: string | undefined): string | undefined {
  if (!isRecord(reference) || typeof reference.reference !== 'string') return undefined;
  const literal = reference.reference.replace(/\/_history\/[^/]*$/, '');
  let { type, id } = parseLiteralReference(literal);
  if (type === undefined || id === undefined) {
    // An absolute URL: the last two segments are Type/id (http://hl7.org/fhir/R4/references.html#literal).
    const match = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(literal);
    if (!match) return undefined;
    [, type, id] = match;
  }
  if (wantedType !== undefined && type !== wantedType) return undefined;
  return `${type}/${id}`;
}

/** getReferenceKey([type]): the key each Reference points to; empty when it names another type. */
const getReferenceKey: FhirPathFunction = {
  arity: { 0: [], 1: ['TypeSpecifier'] },
  fn(input, typeSpecifier) {
    const wanted = isRecord(typeSpecifier) && typeof typeSpecifier.name === 'string' ? typeSpecifier.name : undefined;
    const keys: string[] = [];
    for (const item of input) {
      const key = referenceKey(item, wanted);
      if (key !== undefined) keys.push(key);
    }
    return keys;
  },
};

/** Digits after the decimal point, as written in JSON (the conformance suite treats 1 as 1.0). */
function decimalPlaces(value: number): number {
  const text = String(value);
  const point = text.indexOf('.');
  return Math.max(1, point < 0 ? 0 : text.length - point - 1);
}

/** Half a unit in the last place, the FHIRPath boundary of a decimal (http://hl7.org/fhirpath/#lowboundaryprecision-integer-decimal--date--datetime--time). */
function decimalBoundary(value: number, low: boolean): number {
  const places = decimalPlaces(value);
  const half = 5 / 10 ** (places + 1);
  return Number((low ? value - half : value + half).toFixed(places + 1));
}

const DECIMAL_TYPES = new Set(['FHIR.decimal', 'System.Decimal']);
const DATE_TIME_TYPES = new Set(['FHIR.dateTime', 'FHIR.instant', 'System.DateTime']);

/**
 * lowBoundary()/highBoundary(): fhirpath.js's own, except that a decimal's precision is at least
 * one place and a dateTime without a time zone takes the widest zone (+14:00 low, -12:00 high), as
 * the SQL on FHIR conformance suite expects.
 */
function boundary(low: boolean): FhirPathFunction {
  const builtIn: FhirPathEvaluator = compileFhirPathEvaluator(low ? 'lowBoundary()' : 'highBoundary()');
  return {
    arity: { 0: [] },
    items: true,
    fn(input) {
      const out: unknown[] = [];
      const types = fhirPathItemTypes(input);
      input.forEach((item, index) => {
        const type = types[index] ?? '';
        const [value] = fhirPathItemValues([item]);
        if (DECIMAL_TYPES.has(type) && typeof value === 'number') {
          out.push(decimalBoundary(value, low));
          return;
        }
        const bounded = fhirPathItemValues(builtIn([item]));
        if (DATE_TIME_TYPES.has(type)) {
          for (const text of bounded) {
            out.push(typeof text === 'string' && text.includes('T') && !/(Z|[+-]\d\d:\d\d)$/.test(text) ? text + (low ? '+14:00' : '-12:00') : text);
          }
        } else {
          out.push(...bounded);
        }
      });
      return out;
    },
  };
}

/**
 * join([separator]): the strings of the input joined, the empty string when there are none (the
 * conformance suite's "string join" cases; fhirpath.js would give an empty collection).
 */
const join: FhirPathFunction = {
  arity: { 0: [], 1: ['String'] },
  fn(input, separator) {
    const text: unknown = Array.isArray(separator) ? (separator as unknown[])[0] : separator;
    return [input.map(String).join(typeof text === 'string' ? text : '')];
  },
};

/** The functions every path in a view is compiled with. */
export function viewFunctions(): Readonly<Record<string, FhirPathFunction>> {
  return { getResourceKey, getReferenceKey, join, lowBoundary: boundary(true), highBoundary: boundary(false) };
}
