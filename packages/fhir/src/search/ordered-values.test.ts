import { describe, expect, it } from 'vitest';
import { decimalRange, parseDateValue, parseNumberValue, parseQuantityValue } from './ordered-values.ts';
import { parseSearchRequest } from './parse-search.ts';
import { thrown } from './search-test-support.ts';

describe('decimalRange: implicit precision (search.html#number)', () => {
  it.each([
    ['100', 100, 99.5, 100.5],
    ['100.00', 100, 99.995, 100.005],
    ['1.00e2', 100, 99.5, 100.5],
    ['1e2', 100, 50, 150],
    ['1E2', 100, 50, 150],
    ['5.4', 5.4, 5.35, 5.45],
    ['5.40e-3', 0.0054, 0.005395, 0.005405],
    ['8e-1', 0.8, 0.75, 0.85],
    ['0.001', 0.001, 0.0005, 0.0015],
    ['-100', -100, -100.5, -99.5],
    ['0', 0, -0.5, 0.5],
    ['-0', 0, -0.5, 0.5],
    ['007', 7, 6.5, 7.5],
    ['2', 2, 1.5, 2.5],
  ])('%s → value %d in [%d, %d)', (text, value, low, high) => {
    expect(decimalRange(text)).toEqual({ value, low, high });
  });

  it.each(['', 'abc', '1.2.3', '.5', '5.', '+5', '1e', '1e+', 'NaN', 'Infinity', '0x10', '1 000', '1,5', '1e400', '1e99999999999999999999'])(
    'rejects %j',
    (text) => {
      expect(decimalRange(text)).toBeUndefined();
    },
  );
});

describe('parseNumberValue: prefixes (search.html#prefix)', () => {
  it('defaults to eq', () => {
    expect(parseNumberValue('100', 'p')).toEqual({ prefix: 'eq', value: 100, low: 99.5, high: 100.5 });
  });

  it.each(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'])('reads the %s prefix', (prefix) => {
    expect(parseNumberValue(`${prefix}100`, 'p')).toEqual({ prefix, value: 100, low: 99.5, high: 100.5 });
  });

  it('reads a prefix before a negative or exponent number', () => {
    expect(parseNumberValue('gt-5', 'p')).toMatchObject({ prefix: 'gt', value: -5 });
    expect(parseNumberValue('gt8e-1', 'p')).toMatchObject({ prefix: 'gt', value: 0.8 });
  });

  it('names an unknown prefix and lists the real ones', () => {
    const error = thrown(() => parseNumberValue('xx100', 'probability'));
    expect(error.errorName).toBe('INVALID_SEARCH');
    expect(error.message).toContain('"xx"');
    expect(error.message).toContain('eq, ne, gt, lt, ge, le, sa, eb, ap');
  });

  it('says how to write a number when the value is not one', () => {
    for (const bad of ['abc', 'gt', 'gtabc', '1.2.3', 'EQ100']) {
      const error = thrown(() => parseNumberValue(bad, 'probability'));
      expect(error.errorName).toBe('INVALID_SEARCH');
      expect(error.message).toContain("'probability'");
    }
  });
});

describe('parseQuantityValue (search.html#quantity)', () => {
  it('reads number|system|code', () => {
    expect(parseQuantityValue('5.4|http://unitsofmeasure.org|mg', 'q')).toEqual({
      prefix: 'eq',
      value: 5.4,
      low: 5.35,
      high: 5.45,
      system: 'http://unitsofmeasure.org',
      unit: 'mg',
    });
  });

  it('reads number||code as any system', () => {
    expect(parseQuantityValue('5.4||mg', 'q')).toEqual({ prefix: 'eq', value: 5.4, low: 5.35, high: 5.45, unit: 'mg' });
  });

  it('reads a bare number as any unit', () => {
    expect(parseQuantityValue('5.4', 'q')).toEqual({ prefix: 'eq', value: 5.4, low: 5.35, high: 5.45 });
  });

  it('reads number|system| as any code in that system', () => {
    expect(parseQuantityValue('5.4|http://unitsofmeasure.org|', 'q')).toEqual({
      prefix: 'eq',
      value: 5.4,
      low: 5.35,
      high: 5.45,
      system: 'http://unitsofmeasure.org',
    });
  });

  it('reads prefixes and exponent forms', () => {
    expect(parseQuantityValue('le5.4|http://unitsofmeasure.org|mg', 'q')).toMatchObject({ prefix: 'le', value: 5.4 });
    expect(parseQuantityValue('ap5.4|http://unitsofmeasure.org|mg', 'q')).toMatchObject({ prefix: 'ap' });
    expect(parseQuantityValue('5.40e-3|http://unitsofmeasure.org|g', 'q')).toMatchObject({ value: 0.0054, low: 0.005395, high: 0.005405, unit: 'g' });
  });

  it('refuses two parts, four parts and a bad number', () => {
    for (const bad of ['5.4|mg', '5.4|a|b|c', 'abc|http://unitsofmeasure.org|mg', '|http://unitsofmeasure.org|mg']) {
      const error = thrown(() => parseQuantityValue(bad, 'value-quantity'));
      expect(error.errorName).toBe('INVALID_SEARCH');
      expect(error.message).toContain("'value-quantity'");
    }
    expect(thrown(() => parseQuantityValue('5.4|mg', 'value-quantity')).message).toContain('number|system|code');
  });
});

describe('parseDateValue (search.html#date)', () => {
  it('reads each precision as the range it implies', () => {
    expect(parseDateValue('2020', 'd')).toEqual({ prefix: 'eq', low: Date.UTC(2020, 0, 1), high: Date.UTC(2021, 0, 1) - 1 });
    expect(parseDateValue('2020-02', 'd')).toEqual({ prefix: 'eq', low: Date.UTC(2020, 1, 1), high: Date.UTC(2020, 2, 1) - 1 });
    expect(parseDateValue('2013-01-14', 'd')).toEqual({ prefix: 'eq', low: Date.UTC(2013, 0, 14), high: Date.UTC(2013, 0, 15) - 1 });
    expect(parseDateValue('2013-01-14T10:00:00Z', 'd')).toEqual({
      prefix: 'eq',
      low: Date.UTC(2013, 0, 14, 10),
      high: Date.UTC(2013, 0, 14, 10) + 999,
    });
  });

  it('reads the minute-precision form search allows, with and without a zone', () => {
    const minute = { low: Date.UTC(2013, 0, 14, 10), high: Date.UTC(2013, 0, 14, 10, 1) - 1 };
    expect(parseDateValue('lt2013-01-14T10:00', 'd')).toEqual({ prefix: 'lt', ...minute });
    expect(parseDateValue('gt2013-01-14T10:00Z', 'd')).toEqual({ prefix: 'gt', ...minute });
    expect(parseDateValue('2013-01-14T12:00+02:00', 'd')).toEqual({ prefix: 'eq', ...minute });
  });

  it.each(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'])('reads the %s prefix', (prefix) => {
    expect(parseDateValue(`${prefix}2013-03-14`, 'd').prefix).toBe(prefix);
  });

  it.each(['2020-13', '2020-02-30', '23 May 2009', '2020-1-1', '20201', 'today', '2020-01-01T25:00', 'xx2020'])('refuses %j', (bad) => {
    const error = thrown(() => parseDateValue(bad, 'birthdate'));
    expect(error.errorName).toBe('INVALID_SEARCH');
    expect(error.message).toContain("'birthdate'");
    expect(error.message).toContain('yyyy-mm-dd');
  });

  it('points out a time-zone "+" that arrived as a space', () => {
    expect(thrown(() => parseDateValue('ge2020-01-01T10:00:00 01:00', 'date')).message).toContain('%2B');
    expect(thrown(() => parseDateValue('2020-13-01', 'date')).message).not.toContain('%2B');
  });
});

describe('ordered parameters in a search', () => {
  it('date, number and quantity parameters give their filters', () => {
    const request = parseSearchRequest(
      'RiskAssessment',
      [
        ['probability', 'gt0.8'],
        ['date', 'ge2010-01-01'],
        ['date', 'le2011-12-31'],
      ],
      { handling: 'strict' },
    );
    expect(request.filters).toEqual([
      { kind: 'number', param: { resourceType: 'RiskAssessment', code: 'probability', type: 'number' }, values: [{ prefix: 'gt', value: 0.8, low: 0.75, high: 0.85 }] },
      { kind: 'date', param: { resourceType: 'RiskAssessment', code: 'date', type: 'date' }, values: [{ prefix: 'ge', low: Date.UTC(2010, 0, 1), high: Date.UTC(2010, 0, 2) - 1 }] },
      { kind: 'date', param: { resourceType: 'RiskAssessment', code: 'date', type: 'date' }, values: [{ prefix: 'le', low: Date.UTC(2011, 11, 31), high: Date.UTC(2012, 0, 1) - 1 }] },
    ]);
  });

  it('ORs comma-separated ordered values', () => {
    const request = parseSearchRequest('Observation', [['value-quantity', 'lt5||mg,gt10||mg']], { handling: 'strict' });
    expect(request.filters[0]).toMatchObject({ kind: 'quantity', values: [{ prefix: 'lt', unit: 'mg' }, { prefix: 'gt', unit: 'mg' }] });
  });

  it('refuses a modifier other than :missing on date, number and quantity', () => {
    for (const [type, name] of [
      ['Patient', 'birthdate:exact'],
      ['RiskAssessment', 'probability:not'],
      ['Observation', 'value-quantity:contains'],
    ] as const) {
      const error = thrown(() => parseSearchRequest(type, [[name, '1']], { handling: 'lenient' }));
      expect(error.errorName).toBe('INVALID_SEARCH');
      expect(error.message).toContain('use :missing, or none');
    }
  });
});
