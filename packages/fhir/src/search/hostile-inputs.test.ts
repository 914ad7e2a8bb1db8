import { describe, expect, it } from 'vitest';
import { parseSearchRequest } from './parse-search.ts';
import { MAX_OR_VALUES, MAX_SEARCH_PARAMETERS, MAX_VALUE_LENGTH } from './search-errors.ts';
import type { SearchFilter } from './search-request.ts';
import { thrown } from './search-test-support.ts';

function filterOf(resourceType: string, name: string, value: string): SearchFilter {
  const [filter] = parseSearchRequest(resourceType, [[name, value]], { handling: 'strict' }).filters;
  if (!filter) throw new Error('no filter');
  return filter;
}

describe('hostile and unusual input', () => {
  it('carries SQL-looking text as plain data: the parser builds values, never SQL', () => {
    const sql = "'; DROP TABLE resources; --";
    expect(filterOf('Patient', 'name', sql)).toMatchObject({ kind: 'string', values: [sql] });
    expect(filterOf('Observation', 'code', `http://x|${sql}`)).toMatchObject({ values: [{ system: 'http://x', code: sql }] });
    expect(filterOf('ValueSet', 'url', `http://x/${sql}`)).toMatchObject({ values: [`http://x/${sql}`] });
  });

  it('refuses SQL-looking text where the syntax is strict (ids, references, dates, numbers)', () => {
    const sql = "1' OR '1'='1";
    for (const [type, name] of [
      ['Patient', '_id'],
      ['Observation', 'subject'],
      ['Patient', 'birthdate'],
      ['RiskAssessment', 'probability'],
      ['Patient', '_count'],
    ] as const) {
      expect(thrown(() => parseSearchRequest(type, [[name, sql]], { handling: 'lenient' })).errorName, name).toBe('INVALID_SEARCH');
    }
  });

  it('keeps unicode as written: accents, scripts, emoji, combining marks', () => {
    for (const value of ['Zoë', 'Müller-Lüdenscheidt', '山田', 'محمد', 'Ŝ̸', '👩‍⚕️']) {
      expect(filterOf('Patient', 'name', value)).toMatchObject({ values: [value] });
    }
    expect(filterOf('Observation', 'code', 'http://例え.jp|コード')).toMatchObject({ values: [{ system: 'http://例え.jp', code: 'コード' }] });
  });

  it('treats NUL and control characters as data, not as terminators', () => {
    expect(filterOf('Patient', 'name', 'a\u0000b\u0007c')).toMatchObject({ values: ['a\u0000b\u0007c'] });
  });

  it('accepts a long value up to the limit and refuses a longer one with the limit in the message', () => {
    const atLimit = 'a'.repeat(MAX_VALUE_LENGTH);
    expect(filterOf('Patient', 'name', atLimit)).toMatchObject({ values: [atLimit] });
    const error = thrown(() => parseSearchRequest('Patient', [['name', 'a'.repeat(MAX_VALUE_LENGTH + 1)]], { handling: 'lenient' }));
    expect(error.errorName).toBe('INVALID_SEARCH');
    expect(error.message).toContain(String(MAX_VALUE_LENGTH));
    // the message quotes at most a short prefix of what was sent
    expect(error.message.length).toBeLessThan(300);
  });

  it('keeps messages short when a huge value is quoted', () => {
    const error = thrown(() => parseSearchRequest('Patient', [['birthdate', '9'.repeat(10_000)]], { handling: 'lenient' }));
    expect(error.message.length).toBeLessThan(500);
    expect(error.message).toContain('…');
  });

  it('a huge unknown parameter name is ignored (lenient) or refused (strict) without a slow suggestion', () => {
    const name = 'x'.repeat(100_000);
    // a quadratic suggestion over 100,000 characters would not finish within the test's time limit
    expect(parseSearchRequest('Patient', [[name, '1']], { handling: 'lenient' }).ignored).toHaveLength(1);
    expect(thrown(() => parseSearchRequest('Patient', [[name, '1']], { handling: 'strict' })).message.length).toBeLessThan(400);
  });

  it('thousands of commas with nothing between them are an empty parameter, ignored', () => {
    const request = parseSearchRequest('Patient', [['name', ','.repeat(5_000)]], { handling: 'strict' });
    expect(request.filters).toEqual([]);
    expect(request.ignored).toHaveLength(1);
  });

  it('accepts up to MAX_OR_VALUES values and refuses more as too costly', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`).join(',');
    expect(filterOf('Observation', 'code', values(MAX_OR_VALUES))).toMatchObject({ kind: 'token' });
    const error = thrown(() => parseSearchRequest('Observation', [['code', values(MAX_OR_VALUES + 1)]], { handling: 'lenient' }));
    expect(error.errorName).toBe('TOO_COSTLY');
    expect(error.message).toContain(`at most ${MAX_OR_VALUES}`);
  });

  it('refuses more than MAX_SEARCH_PARAMETERS parameters as too costly', () => {
    const params = Array.from({ length: MAX_SEARCH_PARAMETERS + 1 }, (_, i): [string, string] => ['name', `n${i}`]);
    expect(thrown(() => parseSearchRequest('Patient', params, { handling: 'lenient' })).errorName).toBe('TOO_COSTLY');
    expect(parseSearchRequest('Patient', params.slice(0, MAX_SEARCH_PARAMETERS), { handling: 'lenient' }).filters).toHaveLength(MAX_SEARCH_PARAMETERS);
  });

  it('handles odd names: empty, colons only, dots only', () => {
    const lenient = parseSearchRequest('Patient', [['', 'x'], ['...', 'x']], { handling: 'lenient' });
    expect(lenient.ignored.map((i) => i.name)).toEqual(['', '...']);
    expect(thrown(() => parseSearchRequest('Patient', [['name:', 'x']], { handling: 'lenient' })).errorName).toBe('INVALID_SEARCH');
    expect(thrown(() => parseSearchRequest('Patient', [[':', 'x']], { handling: 'strict' })).errorName).toBe('UNKNOWN_SEARCH_PARAMETER');
  });

  it('does not treat prototype names as parameters or modifiers', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(parseSearchRequest('Patient', [[name, 'x']], { handling: 'lenient' }).ignored).toEqual([
        { name, reason: 'unknown search parameter for Patient' },
      ]);
      const modifier = thrown(() => parseSearchRequest('Patient', [[`identifier:${name}`, 'x']], { handling: 'lenient' }));
      expect(modifier.message).toContain(`"${name}" is not a modifier of token parameters`);
      expect(modifier.message).not.toContain('function');
    }
  });

  it('survives deep exponent and digit strings in numbers', () => {
    expect(filterOf('RiskAssessment', 'probability', `0.${'0'.repeat(300)}1`)).toMatchObject({ kind: 'number' });
    expect(thrown(() => parseSearchRequest('RiskAssessment', [['probability', '1e9999']], { handling: 'lenient' })).errorName).toBe('INVALID_SEARCH');
  });
});
