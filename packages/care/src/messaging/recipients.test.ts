import { describe, expect, it } from 'vitest';
import { MessageError } from './message-channels.ts';
import { emailAddress, letterAddressLines, ukMobileNumber, ukPostcode } from './recipients.ts';

const problemOf = (work: () => unknown): string | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    return error instanceof MessageError ? error.problem : 'not a MessageError';
  }
};

describe('recipients', () => {
  it.each([
    ['07700 900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['0044(0)7700-900123'.replace('(0)', ''), '+447700900123'],
    ['447700900123', '+447700900123'],
  ])('accepts the UK mobile number %s', (input, expected) => {
    expect(ukMobileNumber(input)).toBe(expected);
  });

  it.each(['01234 567890', '0770090012', '077009001234', '+1 202 555 0100', 'call me', ''])('refuses %j as a phone number', (input) => {
    expect(problemOf(() => ukMobileNumber(input))).toBe('BAD_PHONE_NUMBER');
  });

  it('checks email addresses', () => {
    expect(emailAddress(' ada@example.org ')).toBe('ada@example.org');
    for (const bad of ['ada', 'ada@', '@example.org', 'ada@example', 'a da@example.org', 'ada@@example.org', 'ada@example..org']) {
      expect(problemOf(() => emailAddress(bad)), bad).toBe('BAD_EMAIL_ADDRESS');
    }
  });

  it('normalises postcodes and refuses what is not one', () => {
    expect(ukPostcode('ls11aa')).toBe('LS1 1AA');
    expect(ukPostcode('SW1A 2AA')).toBe('SW1A 2AA');
    expect(ukPostcode('Leeds')).toBeUndefined();
  });

  it('makes Notify address lines with the postcode last, and refuses letters it could not deliver', () => {
    expect(letterAddressLines({ lines: ['Ada Lovelace', ' 1 High Street ', '', 'Leeds'], postcode: 'ls1 1aa' })).toEqual(['Ada Lovelace', '1 High Street', 'Leeds', 'LS1 1AA']);
    expect(problemOf(() => letterAddressLines({ lines: ['Ada', '1 High Street'], postcode: '' }))).toBe('LETTER_WITHOUT_POSTCODE');
    expect(problemOf(() => letterAddressLines({ lines: ['Ada', '1 High Street'], postcode: 'Leeds' }))).toBe('LETTER_WITHOUT_POSTCODE');
    expect(problemOf(() => letterAddressLines({ lines: ['Ada'], postcode: 'LS1 1AA' }))).toBe('LETTER_ADDRESS_TOO_SHORT');
    expect(problemOf(() => letterAddressLines({ lines: ['1', '2', '3', '4', '5', '6', '7'], postcode: 'LS1 1AA' }))).toBe('LETTER_ADDRESS_TOO_SHORT');
  });
});
