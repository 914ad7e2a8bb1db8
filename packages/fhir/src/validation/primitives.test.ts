import { describe, expect, it } from 'vitest';
import { getTypeDefinition } from '../model.ts';
import { errorsOf, expectOneError } from './expect-issues.ts';
import { compileSpecRegex, primitiveChecker } from './primitives.ts';
import { validateResource } from './validate-resource.ts';

const patient = (extra: Record<string, unknown>): Record<string, unknown> => ({ resourceType: 'Patient', ...extra });
const observation = (extra: Record<string, unknown>): Record<string, unknown> => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, ...extra });

describe('JSON types of primitives (json.html#primitive)', () => {
  it('wants a JSON boolean', () => {
    const issue = expectOneError(patient({ active: 'true' }), 'Patient.active', 'must be a JSON boolean', 'the string "true"');
    expect(issue.code).toBe('structure');
  });
  it('wants JSON integers for integer types, in range', () => {
    expectOneError(patient({ multipleBirthInteger: '2' }), 'Patient.multipleBirthInteger', 'JSON number without a fraction');
    expectOneError(patient({ multipleBirthInteger: 1.5 }), 'Patient.multipleBirthInteger', 'JSON number without a fraction', '1.5');
    expectOneError(patient({ multipleBirthInteger: 2147483648 }), 'Patient.multipleBirthInteger', '32-bit range');
    expect(errorsOf(patient({ multipleBirthInteger: -2147483648 }))).toEqual([]);
  });
  it('applies the sign rules of positiveInt and unsignedInt', () => {
    const sampledData = { origin: { value: 0 }, period: 1, dimensions: 0, data: 'E' };
    expectOneError(observation({ valueSampledData: sampledData }), 'Observation.valueSampledData.dimensions', 'positiveInt', '1 or more');
    expectOneError({ resourceType: 'Bundle', type: 'searchset', total: -1 }, 'Bundle.total', 'unsignedInt', '0 or more');
    expect(errorsOf({ resourceType: 'Bundle', type: 'searchset', total: 0 })).toEqual([]);
  });
  it('wants a JSON number for decimal, not a string', () => {
    expectOneError(observation({ valueQuantity: { value: '72.5' } }), 'Observation.valueQuantity.value', 'JSON number (decimal)');
    expect(errorsOf(observation({ valueQuantity: { value: 1e-7 } }))).toEqual([]);
  });
  it('wants strings for everything else', () => {
    expectOneError(patient({ birthDate: 20000101 }), 'Patient.birthDate', 'must be a JSON string (date)', 'the number 20000101');
  });
});

describe('empty and blank strings', () => {
  it('rejects an empty string', () => {
    const issue = expectOneError(patient({ name: [{ family: '' }] }), 'Patient.name[0].family', 'empty string', 'leave the element out');
    expect(issue.code).toBe('value');
  });
  it('rejects a string of whitespace only', () => {
    expectOneError(patient({ name: [{ given: ['Ann', ' \t'] }] }), 'Patient.name[0].given[1]', 'only whitespace');
  });
  it('warns about control characters, which strings SHOULD not hold', () => {
    const issues = validateResource(patient({ name: [{ family: 'Smi\u0000th' }] }));
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', expression: ['Patient.name[0].family'] })]);
    expect(issues[0]?.diagnostics).toContain('control characters');
    expect(errorsOf(patient({ name: [{ text: 'line one\r\n\tline two' }] }))).toEqual([]);
  });
  it('accepts no-break spaces inside a string (the spec regexes use ASCII whitespace)', () => {
    expect(errorsOf(patient({ name: [{ family: 'van\u00a0Dijk' }] }))).toEqual([]);
  });
});

describe('the specification regexes', () => {
  it.each([
    ['2020-13-01', 'month 13'],
    ['2020-1-01', 'one-digit month'],
    ['01/02/2020', 'slashes'],
    ['2020-01-01T10:00:00Z', 'a time on a date'],
    ['0000', 'year zero'],
  ])('rejects the date %s (%s)', (value) => {
    expectOneError(patient({ birthDate: value }), 'Patient.birthDate', `"${value}"`, 'not a valid date', 'YYYY-MM-DD');
  });
  it('rejects dates that are not on the calendar', () => {
    expectOneError(patient({ birthDate: '2023-02-29' }), 'Patient.birthDate', 'not a real date', '28 days');
    expect(errorsOf(patient({ birthDate: '2024-02-29' }))).toEqual([]);
    expectOneError(observation({ effectiveDateTime: '2021-04-31T10:00:00Z' }), 'Observation.effectiveDateTime', 'not a real date');
  });
  it.each([
    ['2021-03-04T10:00', 'no seconds'],
    ['2021-03-04T10:00:00', 'no time zone'],
    ['2021-03-04 10:00:00Z', 'a space for T'],
    ['2021-03-04T25:00:00Z', 'hour 25'],
  ])('rejects the dateTime %s (%s)', (value) => {
    expectOneError(observation({ effectiveDateTime: value }), 'Observation.effectiveDateTime', 'not a valid dateTime', 'time zone');
  });
  it.each(['2021', '2021-03', '2021-03-04', '2021-03-04T10:00:00+01:00', '2021-03-04T10:00:00.123Z'])('accepts the dateTime %s', (value) => {
    expect(errorsOf(observation({ effectiveDateTime: value }))).toEqual([]);
  });
  it('wants an instant to be complete', () => {
    expectOneError(observation({ issued: '2021-03-04' }), 'Observation.issued', 'not a valid instant', 'YYYY-MM-DDThh:mm:ss');
    expectOneError(patient({ meta: { lastUpdated: '2021-03-04T10:00:00' } }), 'Patient.meta.lastUpdated', 'not a valid instant');
  });
  it('checks time, uri, code, id, oid and uuid', () => {
    expectOneError(observation({ valueTime: '9:30' }), 'Observation.valueTime', 'not a valid time', 'hh:mm:ss');
    expectOneError(patient({ implicitRules: 'http://example.org/a rule' }), 'Patient.implicitRules', 'not a valid uri', 'no whitespace');
    expectOneError(patient({ language: ' en' }), 'Patient.language', 'not a valid code');
    expectOneError(patient({ meta: { versionId: 'v_1' } }), 'Patient.meta.versionId', 'not a valid id');
    expectOneError(observation({ valueString: 'x', extension: [{ url: 'http://e.org/x', valueOid: 'urn:oid:1.02' }] }), 'Observation.extension[0].valueOid', 'not a valid oid');
    expectOneError(observation({ extension: [{ url: 'http://e.org/x', valueUuid: 'urn:uuid:ABC' }] }), 'Observation.extension[0].valueUuid', 'not a valid uuid');
  });
  it('checks base64Binary', () => {
    const attachment = (data: string): Record<string, unknown> => ({ resourceType: 'Binary', contentType: 'text/plain', data });
    expect(errorsOf(attachment('aGVsbG8='))).toEqual([]);
    expect(errorsOf(attachment('aGVs bG8=\n'))).toEqual([]);
    expectOneError(attachment('aGVsbG8'), 'Binary.data', 'not a valid base64Binary', 'groups of four');
  });
});

describe('compileSpecRegex', () => {
  const regexOf = (type: string): RegExp => compileSpecRegex(getTypeDefinition(type)?.regex ?? '');

  it('matches whole values only', () => {
    expect(regexOf('id').test('abc')).toBe(true);
    expect(regexOf('id').test('abc def')).toBe(false);
    expect(regexOf('unsignedInt').test('0')).toBe(true);
    expect(regexOf('unsignedInt').test('01')).toBe(false);
  });

  it('reads \\s and \\S as Java does (ASCII whitespace only)', () => {
    expect(regexOf('code').test('a\u00a0b')).toBe(true);
    expect(regexOf('code').test('a  b')).toBe(false);
    expect(regexOf('string').test('tab\tand\nnewline')).toBe(true);
    expect(regexOf('string').test('form\ffeed')).toBe(false);
  });

  it('rewrites the base64Binary regex to an equivalent that runs in linear time', () => {
    const source = getTypeDefinition('base64Binary')?.regex ?? '';
    const published = new RegExp(`^(?:${source})$`);
    const samples = ['aGVs', 'aGVsbG8=', ' aGVs bG8= ', 'aGVs\n\nbG8=', 'aGV sbG8=', 'aGVsb', '', ' ', 'a=b+/9Zz', 'aGVs  '];
    for (const sample of samples) {
      // the samples use only plain spaces and newlines, where JavaScript and Java agree
      expect(regexOf('base64Binary').test(sample), JSON.stringify(sample)).toBe(published.test(sample));
    }
    const hostile = `${'AAAA '.repeat(5000)}!`;
    // catastrophic backtracking on this input would not finish within the test's time limit
    expect(primitiveChecker('base64Binary').check(hostile)).toBeDefined();
  });
});
