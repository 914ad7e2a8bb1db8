/**
 * Values of the ordered parameter types (http://hl7.org/fhir/R4/search.html#prefix): date, number
 * and quantity, each with an optional comparison prefix. Every value is read as the range its
 * precision implies; the store decides, per prefix, whether to compare with the range or the value.
 * Pure parsing: no knowledge of parameters beyond the label used in messages.
 */
import { dateRange } from '../datetime.ts';
import { splitUnescaped, unescapeValue } from './escaping.ts';
import { invalidSearch, quote } from './search-errors.ts';
import { Prefix, type DateValue, type NumberValue, type QuantityValue } from './search-request.ts';

const PREFIXES: ReadonlySet<string> = new Set(Object.values(Prefix));
const PREFIX_LIST = 'eq, ne, gt, lt, ge, le, sa, eb, ap';

/** A FHIR decimal (http://hl7.org/fhir/R4/datatypes.html#decimal), which search also allows in exponent form. */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Exponents beyond this are outside what a double holds, with room to spare. */
const MAX_EXPONENT = 400;

function isPrefix(text: string): text is Prefix {
  return PREFIXES.has(text);
}

/**
 * Splits a leading prefix from a value. A number or date never starts with a letter, so two
 * lower-case letters at the start that are not a prefix make the value invalid (see prefixHint).
 */
function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2);
  return isPrefix(head) ? { prefix: head, rest: value.slice(2) } : { prefix: Prefix.eq, rest: value };
}

/** " "xx" is not a prefix." when the value starts with letters that look like a mistyped prefix. */
function prefixHint(value: string): string {
  const head = value.slice(0, 2);
  return /^[A-Za-z]{2}/.test(value) && !isPrefix(head) ? ` (${quote(head)} is not a prefix.)` : '';
}

export interface DecimalRange {
  value: number;
  low: number;
  high: number;
}

/**
 * A decimal and its implicit precision range, [value − ½ unit, value + ½ unit) of the last digit
 * written (http://hl7.org/fhir/R4/search.html#number): "100" → [99.5, 100.5), "100.00" →
 * [99.995, 100.005), "1.00e2" → [99.5, 100.5), "5.40e-3" → [0.005395, 0.005405).
 *
 * "1e2" gives [50, 150): one significant figure. The R4 table lists [95 ... 105) for it, which
 * contradicts its own rule (the note says 100 and 1.00e2 share three significant figures, and the
 * quantity examples use half a unit of the last digit); we follow the rule, as later versions do.
 *
 * The arithmetic is done on the decimal digits (BigInt) so that the ends are exact to the
 * nearest double: 100.00 − 0.005 in floating point is not 99.995.
 */
export function decimalRange(text: string): DecimalRange | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign = '', whole = '', fraction = '', exponentText] = m;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) return undefined;
  const digits = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n);
  // value = digits × 10^scale; the half unit of the last digit is 5 × 10^(scale − 1)
  const scale = exponent - fraction.length;
  const value = Number(`${digits}e${scale}`);
  const low = Number(`${digits * 10n - 5n}e${scale - 1}`);
  const high = Number(`${digits * 10n + 5n}e${scale - 1}`);
  if (![value, low, high].every(Number.isFinite)) return undefined;
  // "-0" and "0" are the same search
  return { value: value === 0 ? 0 : value, low, high };
}

function numberError(label: string, value: string): Error {
  return invalidSearch(
    `Search parameter '${label}': ${quote(value)} is not a number.${prefixHint(value)} Write a decimal such as 100, 100.00, -0.5 or 1.5e3, ` +
      `optionally preceded by one of ${PREFIX_LIST} (http://hl7.org/fhir/R4/search.html#number).`,
  );
}

/** One OR value of a number parameter, e.g. "gt100" (escaped piece). */
export function parseNumberValue(piece: string, label: string): NumberValue {
  const text = unescapeValue(piece, label);
  const { prefix, rest } = splitPrefix(text);
  const range = decimalRange(rest);
  if (!range) throw numberError(label, text);
  return { prefix, ...range };
}

/**
 * One OR value of a quantity parameter: `[prefix]number|system|code`, `[prefix]number||code` or
 * `[prefix]number` (http://hl7.org/fhir/R4/search.html#quantity). Without a system the unit matches
 * the code or the unit text.
 */
export function parseQuantityValue(piece: string, label: string): QuantityValue {
  const parts = splitUnescaped(piece, '|', label);
  if (parts.length !== 1 && parts.length !== 3) {
    throw invalidSearch(
      `Search parameter '${label}': ${quote(unescapeValue(piece, label))} is not a quantity. Write number, ` +
        'number|system|code or number||code, e.g. 5.4|http://unitsofmeasure.org|mg (http://hl7.org/fhir/R4/search.html#quantity).',
    );
  }
  const [numberPart = '', systemPart = '', codePart = ''] = parts;
  const numberValue = parseNumberValue(numberPart, label);
  const system = unescapeValue(systemPart, label);
  const unit = unescapeValue(codePart, label);
  return { ...numberValue, ...(system === '' ? {} : { system }), ...(unit === '' ? {} : { unit }) };
}

/** One OR value of a date parameter, e.g. "ge2013-01-14T10:00Z", as its implicit range (datetime.ts). */
export function parseDateValue(piece: string, label: string): DateValue {
  const text = unescapeValue(piece, label);
  const { prefix, rest } = splitPrefix(text);
  const range = dateRange(rest);
  if (range) return { prefix, low: range.low, high: range.high };
  // a '+' in a time zone arrives as a space when the client did not percent-encode it
  const hint = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}:\d{2}$/.test(rest)
    ? ' The time zone looks like "+hh:mm" sent without encoding the "+": write it as %2B.'
    : '';
  throw invalidSearch(
    `Search parameter '${label}': ${quote(text)} is not a valid date.${prefixHint(text)} Write yyyy, yyyy-mm, yyyy-mm-dd or ` +
      `yyyy-mm-ddThh:mm[:ss[.sss]][Z|+hh:mm|-hh:mm], optionally preceded by one of ${PREFIX_LIST} ` +
      `(http://hl7.org/fhir/R4/search.html#date).${hint}`,
  );
}
