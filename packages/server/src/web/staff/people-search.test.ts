/**
 * What staff type in "Find a person" → a FHIR search: NHS numbers (checked), dates of birth in
 * the ways people write them, names word by word; hostile or impossible input gets words that
 * say what to type instead, never a search that means something else.
 */
import { describe, expect, it } from 'vitest';
import { NHS_NUMBER_SYSTEM } from '@kindred/fhir';
import { birthDateOf, personSearchOf } from './people-search.ts';

const filtersOf = (query: string) => {
  const found = personSearchOf(query);
  if ('error' in found) throw new Error(found.error);
  return found;
};

describe('personSearchOf', () => {
  it('reads ten digits as an NHS number, with or without spaces', () => {
    const found = filtersOf(' 943 476 5919 ');
    expect(found.kind).toBe('nhs-number');
    expect(found.described).toBe('NHS number 943 476 5919');
    expect(found.search.filters).toEqual([expect.objectContaining({ kind: 'token', values: [{ system: NHS_NUMBER_SYSTEM, code: '9434765919' }] })]);
    expect(found.search.count).toBe(25);
  });

  it('refuses an NHS number that fails its check digit, and too few digits', () => {
    const errorOf = (query: string): string => {
      const found = personSearchOf(query);
      return 'error' in found ? found.error : '';
    };
    expect(errorOf('943 476 5910')).toMatch(/^Check the NHS number/);
    expect(errorOf('94347')).toMatch(/An NHS number is 10 digits/);
  });

  it('reads dates of birth as people write them', () => {
    expect(birthDateOf('3/2/1950')).toEqual({ date: '1950-02-03' });
    expect(birthDateOf('03-02-1950')).toEqual({ date: '1950-02-03' });
    expect(birthDateOf('3 Feb 1950')).toEqual({ date: '1950-02-03' });
    expect(birthDateOf('1950-02-03')).toEqual({ date: '1950-02-03' });
    expect(birthDateOf('31/2/1950')).toEqual({ invalid: true });
    expect(birthDateOf('Ann Smith')).toBeUndefined();
    const found = filtersOf('3/2/1950');
    expect(found).toMatchObject({ kind: 'birth-date', described: 'date of birth 3 February 1950' });
    expect(personSearchOf('31/2/1950')).toEqual({ error: 'Enter a real date of birth, for example 3/2/1950' });
  });

  it('searches a name word by word, and drops characters that FHIR search would read as syntax', () => {
    const found = filtersOf('Ann, Smith|x$y\\');
    expect(found.kind).toBe('name');
    expect(found.search.filters.map((f) => (f.kind === 'string' ? f.values : []))).toEqual([['Ann'], ['Smith'], ['x'], ['y']]);
    expect(found.search.sort.map((s) => (typeof s.param === 'string' ? s.param : s.param.code))).toEqual(['family', 'given']);
  });

  it('hostile input is only ever a value', () => {
    const found = filtersOf(`O'Brien'; DROP x;<script>`);
    expect(found.search.resourceType).toBe('Patient');
    expect(found.search.filters.every((f) => f.kind === 'string')).toBe(true);
    expect(personSearchOf('x'.repeat(101))).toEqual({ error: 'Enter 100 characters or fewer' });
    expect(personSearchOf('   ')).toEqual({ error: 'Enter a name, NHS number or date of birth' });
    expect(personSearchOf('a b c d e')).toEqual({ error: 'Enter at most 4 words of the name' });
    expect(personSearchOf(',,,')).toEqual({ error: 'Enter a name, NHS number or date of birth' });
  });

  it('carries the next page’s cursor', () => {
    expect(filtersOf('Smith').search.cursor).toBeUndefined();
    const found = personSearchOf('Smith', 'abc');
    expect('search' in found && found.search.cursor).toBe('abc');
  });
});
