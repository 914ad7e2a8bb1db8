/**
 * NHS numbers: the 10-digit identifier of a person in the NHS in England, Wales and the Isle of Man.
 *
 * The check digit is the modulus 11 algorithm of the NHS Data Dictionary
 * (https://www.datadictionary.nhs.uk/attributes/nhs_number.html). Pure: this knows the number's
 * form only, never whether the number has been issued to anyone (that is a PDS look-up).
 */

/** The identifier system of the NHS number (https://fhir.nhs.uk/Id/nhs-number). */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

const TEN_DIGITS = /^[0-9]{10}$/;
const DIGITS = /^[0-9]*$/;
const SEPARATORS = /[\s-]/g;

/**
 * The check digit the first nine digits call for: weights 10 down to 2, then 11 − (sum mod 11),
 * where 11 becomes 0. Returns 10 when no check digit can make the number valid.
 */
function expectedCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check;
}

/** True when `value` is exactly ten digits (no spaces) whose last digit is the modulus 11 check digit. */
export function isValidNhsNumber(value: string): boolean {
  if (!TEN_DIGITS.test(value)) return false;
  const check = expectedCheckDigit(value);
  return check !== 10 && check === value.charCodeAt(9) - 48;
}

/**
 * Why `value` is not a valid NHS number, in words a person entering it can act on; undefined when
 * it is valid. Never says what the check digit should be: a mistyped number must be re-read from
 * its source, not patched until it passes.
 */
export function nhsNumberProblem(value: string): string | undefined {
  if (isValidNhsNumber(value)) return undefined;
  const withoutSpaces = value.replace(SEPARATORS, '');
  if (withoutSpaces !== value && TEN_DIGITS.test(withoutSpaces)) {
    return `An NHS number is stored as 10 digits with no spaces or dashes: write '${withoutSpaces}', not '${value}'.`;
  }
  if (!DIGITS.test(value)) return `An NHS number holds digits only; '${value}' has other characters.`;
  if (value.length !== 10) return `An NHS number has exactly 10 digits; '${value}' has ${value.length}.`;
  if (expectedCheckDigit(value) === 10) {
    return `'${value}' cannot be an NHS number: its first nine digits give a check digit of 10, which no NHS number has. Check the number against its source.`;
  }
  return `'${value}' is not a valid NHS number: its last digit does not match the modulus 11 check on the first nine digits, so it is probably mistyped. Check the number against its source.`;
}
