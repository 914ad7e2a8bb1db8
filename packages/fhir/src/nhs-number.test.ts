import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, nhsNumberProblem } from './nhs-number.ts';

// Check digits worked by hand with the NHS Data Dictionary's modulus 11 method.
describe('isValidNhsNumber', () => {
  it.each(['9434765919', '9434765870', '4010232137'])('accepts %s', (value) => {
    expect(isValidNhsNumber(value)).toBe(true);
    expect(nhsNumberProblem(value)).toBeUndefined();
  });

  it.each([
    ['9434765918', 'wrong check digit'],
    ['943476591', 'nine digits'],
    ['94347659190', 'eleven digits'],
    ['943476591A', 'a letter'],
    ['943 476 5919', 'spaces'],
    ['9434765030', 'first nine digits give check digit 10'],
    ['', 'empty'],
  ])('rejects %s (%s)', (value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });

  it('treats a remainder of 0 (11 − 0 = 11) as check digit 0', () => {
    expect(isValidNhsNumber('9434765870')).toBe(true);
    expect(isValidNhsNumber('9434765871')).toBe(false);
  });
});

describe('nhsNumberProblem', () => {
  it('says that spaces are not stored, and shows the number without them', () => {
    expect(nhsNumberProblem('943 476 5919')).toMatch(/no spaces.*'9434765919'/);
  });
  it('counts the digits when there are not ten', () => {
    expect(nhsNumberProblem('943476591')).toContain('exactly 10 digits');
    expect(nhsNumberProblem('943476591')).toContain('has 9');
  });
  it('names other characters', () => {
    expect(nhsNumberProblem('943476591A')).toContain('digits only');
  });
  it('explains the check digit 10 case', () => {
    expect(nhsNumberProblem('9434765030')).toContain('check digit of 10');
  });
  it('reports a wrong check digit without giving the right one', () => {
    const problem = nhsNumberProblem('9434765918') ?? '';
    expect(problem).toContain('modulus 11');
    expect(problem).not.toContain('9434765919');
  });
});
