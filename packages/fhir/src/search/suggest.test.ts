import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean } from './suggest.ts';

const codes = ['name', 'family', 'given', 'birthdate', 'general-practitioner', '_id', '_lastUpdated'];

describe('closestMatch', () => {
  it('finds swaps, slips and case differences', () => {
    expect(closestMatch('nmae', codes)).toBe('name');
    expect(closestMatch('famly', codes)).toBe('family');
    expect(closestMatch('BirthDate', codes)).toBe('birthdate');
    expect(closestMatch('general-practioner', codes)).toBe('general-practitioner');
    expect(closestMatch('_lastupdated', codes)).toBe('_lastUpdated');
  });

  it('suggests nothing for names that are not close', () => {
    expect(closestMatch('colour', codes)).toBeUndefined();
    expect(closestMatch('', codes)).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
    expect(closestMatch('n'.repeat(65), ['n'.repeat(65)])).toBeUndefined();
  });

  it('didYouMean phrases it for a message, or gives nothing', () => {
    expect(didYouMean('gven', codes)).toBe(" Did you mean 'given'?");
    expect(didYouMean('zzzz', codes)).toBe('');
  });
});
