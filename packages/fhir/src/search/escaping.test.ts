import { describe, expect, it } from 'vitest';
import { splitUnescaped, unescapeValue } from './escaping.ts';
import { parseSearchRequest } from './parse-search.ts';
import type { SearchFilter } from './search-request.ts';
import { thrown } from './search-test-support.ts';

function onlyFilter(resourceType: string, name: string, value: string): SearchFilter {
  const request = parseSearchRequest(resourceType, [[name, value]], { handling: 'strict' });
  expect(request.filters).toHaveLength(1);
  const [filter] = request.filters;
  if (!filter) throw new Error('no filter');
  return filter;
}

describe('splitUnescaped', () => {
  it('splits at unescaped separators only and keeps the pieces escaped', () => {
    expect(splitUnescaped('a,b\\,c,d', ',', 'p')).toEqual(['a', 'b\\,c', 'd']);
    expect(splitUnescaped('s|c\\|d', '|', 'p')).toEqual(['s', 'c\\|d']);
    expect(splitUnescaped('', ',', 'p')).toEqual(['']);
    expect(splitUnescaped(',', ',', 'p')).toEqual(['', '']);
  });

  it('treats an escaped backslash before a separator as a literal backslash, then splits', () => {
    // a\\,b is the value "a\" OR "b"
    expect(splitUnescaped('a\\\\,b', ',', 'p')).toEqual(['a\\\\', 'b']);
  });

  it('refuses a backslash that escapes nothing, and a trailing backslash', () => {
    expect(thrown(() => splitUnescaped('xx\\xx', ',', 'name')).errorName).toBe('INVALID_SEARCH');
    const trailing = thrown(() => splitUnescaped('abc\\', ',', 'name'));
    expect(trailing.message).toContain("'name'");
    expect(trailing.message).toContain('\\\\ for a literal backslash');
  });
});

describe('unescapeValue', () => {
  it('turns each of the four escapes into its character', () => {
    expect(unescapeValue('a\\,b', 'p')).toBe('a,b');
    expect(unescapeValue('a\\$b', 'p')).toBe('a$b');
    expect(unescapeValue('a\\|b', 'p')).toBe('a|b');
    expect(unescapeValue('a\\\\b', 'p')).toBe('a\\b');
    expect(unescapeValue('\\\\\\,', 'p')).toBe('\\,');
  });
});

describe('escaping in parameter values (search.html#escaping)', () => {
  it('a comma separates OR values; an escaped comma is part of the value', () => {
    expect(onlyFilter('Patient', 'name', 'a,b')).toMatchObject({ kind: 'string', values: ['a', 'b'] });
    expect(onlyFilter('Patient', 'name', 'a\\,b')).toMatchObject({ kind: 'string', values: ['a,b'] });
  });

  it('an escaped backslash before a comma leaves the comma as a separator', () => {
    expect(onlyFilter('Patient', 'name', 'a\\\\,b')).toMatchObject({ values: ['a\\', 'b'] });
  });

  it('$ is literal in a non-composite value, escaped or not', () => {
    expect(onlyFilter('Patient', 'name', 'a\\$b')).toMatchObject({ values: ['a$b'] });
    expect(onlyFilter('Patient', 'name', 'a$b')).toMatchObject({ values: ['a$b'] });
  });

  it('an escaped | stays inside a token code instead of separating system and code', () => {
    expect(onlyFilter('Observation', 'code', 'a\\|b')).toMatchObject({ kind: 'token', values: [{ code: 'a|b' }] });
    expect(onlyFilter('Observation', 'code', 'http://x\\,y|a\\|b,c')).toMatchObject({
      values: [{ system: 'http://x,y', code: 'a|b' }, { code: 'c' }],
    });
  });

  it('an escaped | stays inside a quantity unit', () => {
    expect(onlyFilter('Observation', 'value-quantity', '5||mg\\|x')).toMatchObject({ values: [{ unit: 'mg|x' }] });
  });

  it('an illegal escape is INVALID_SEARCH whatever the handling', () => {
    for (const handling of ['strict', 'lenient'] as const) {
      const error = thrown(() => parseSearchRequest('Patient', [['name', 'xx\\xx']], { handling }));
      expect(error.errorName).toBe('INVALID_SEARCH');
      expect(error.message).toContain('backslash');
    }
  });
});
