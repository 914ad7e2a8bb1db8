/**
 * Checks and normalises the three kinds of recipient the way GOV.UK Notify validates them, so that a
 * message to a bad number or a letter without a postcode fails here, with a clear error, whichever
 * adapter sends it. (https://docs.notifications.service.gov.uk/rest-api.html#send-a-text-message,
 * #send-a-letter: "The address must have at least 3 lines… The last line needs to be a real UK
 * postcode".) Pure functions; nothing is sent from here.
 */
import { MessageError, type PostalAddress } from './message-channels.ts';

/** A UK mobile number in E.164 form (+447…), or a MessageError BAD_PHONE_NUMBER. International numbers are not supported yet. */
export function ukMobileNumber(input: string): string {
  const compact = input.replace(/[\s\-().]/g, '');
  const match = /^(?:\+44|0044|44|0)(7\d{9})$/.exec(compact);
  if (!match?.[1]) {
    throw new MessageError('BAD_PHONE_NUMBER', `"${input}" is not a UK mobile number (07… or +447…, 11 digits)`, { expression: ['phoneNumber'] });
  }
  return `+44${match[1]}`;
}

/** The address trimmed, or a MessageError BAD_EMAIL_ADDRESS. */
export function emailAddress(input: string): string {
  const address = input.trim();
  if (address.length > 320 || !/^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/.test(address) || address.includes('..')) {
    throw new MessageError('BAD_EMAIL_ADDRESS', `"${input}" is not a valid email address`, { expression: ['emailAddress'] });
  }
  return address;
}

const UK_POSTCODE = /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/i;

/** A UK postcode in upper case with one space before the inward code, or undefined when it is not one. */
export function ukPostcode(input: string): string | undefined {
  const compact = input.replace(/\s+/g, '').toUpperCase();
  if (!UK_POSTCODE.test(compact)) return undefined;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/**
 * Notify's letter address: `address_line_1` … `address_line_7`, at least 3 lines, the last the
 * postcode. Returns the lines (blank ones dropped, postcode last), or a MessageError.
 */
export function letterAddressLines(address: PostalAddress): string[] {
  if (address.postcode.trim() === '') {
    throw new MessageError('LETTER_WITHOUT_POSTCODE', 'a letter needs a postcode: the address has none', { expression: ['address.postcode'] });
  }
  const postcode = ukPostcode(address.postcode);
  if (postcode === undefined) {
    throw new MessageError('LETTER_WITHOUT_POSTCODE', `"${address.postcode}" is not a real UK postcode`, { expression: ['address.postcode'] });
  }
  const lines = address.lines.map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length < 2) {
    throw new MessageError('LETTER_ADDRESS_TOO_SHORT', `a letter's address needs at least 3 lines with the postcode (a name and a street at least); it has ${lines.length + 1}`, {
      expression: ['address.lines'],
    });
  }
  if (lines.length > 6) {
    throw new MessageError('LETTER_ADDRESS_TOO_SHORT', `a letter's address may have at most 7 lines with the postcode; it has ${lines.length + 1}`, { expression: ['address.lines'] });
  }
  return [...lines, postcode];
}
