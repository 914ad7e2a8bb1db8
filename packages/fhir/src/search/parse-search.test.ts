import { describe, expect, it } from 'vitest';
import type { FhirError } from '../errors.ts';
import { parseSearchRequest, type SearchParseOptions } from './parse-search.ts';
import { DEFAULT_PAGE_SIZE, type SearchFilter, type SearchRequest } from './search-request.ts';
import { thrown, key } from './search-test-support.ts';

const strict: SearchParseOptions = { handling: 'strict', baseUrl: 'http://example.org/fhir' };
const lenient: SearchParseOptions = { handling: 'lenient', baseUrl: 'http://example.org/fhir' };

function search(resourceType: string, params: [string, string][], options = strict): SearchRequest {
  return parseSearchRequest(resourceType, params, options);
}

function filterOf(resourceType: string, name: string, value: string): SearchFilter {
  const { filters } = search(resourceType, [[name, value]]);
  expect(filters).toHaveLength(1);
  const [filter] = filters;
  if (!filter) throw new Error('no filter');
  return filter;
}

function invalid(resourceType: string, name: string, value: string): FhirError {
  const error = thrown(() => search(resourceType, [[name, value]], lenient));
  expect(error.errorName).toBe('INVALID_SEARCH');
  expect(error.status).toBe(400);
  return error;
}

describe('a search with no parameters', () => {
  it('has the defaults', () => {
    expect(search('Patient', [])).toEqual({
      resourceType: 'Patient',
      filters: [],
      sort: [],
      count: DEFAULT_PAGE_SIZE,
      total: 'none',
      include: [],
      revinclude: [],
      ignored: [],
    });
  });

  it('refuses an unknown resource type with NOT_FOUND', () => {
    const error = thrown(() => search('Patients', []));
    expect(error.errorName).toBe('NOT_FOUND');
    expect(error.message).toContain('"Patients"');
  });

  it('does not mutate the parameter list', () => {
    const params: [string, string][] = [['name', 'a,b'], ['_sort', '-birthdate']];
    const copy = structuredClone(params);
    search('Patient', params);
    expect(params).toEqual(copy);
  });
});

describe('AND and OR (search.html#combining)', () => {
  it('repeated parameters are separate filters, in order (AND)', () => {
    const { filters } = search('Patient', [['given', 'valueGiven'], ['family', 'valueFamily'], ['given', 'other']]);
    expect(filters).toEqual([
      { kind: 'string', param: key('Patient', 'given', 'string'), values: ['valueGiven'] },
      { kind: 'string', param: key('Patient', 'family', 'string'), values: ['valueFamily'] },
      { kind: 'string', param: key('Patient', 'given', 'string'), values: ['other'] },
    ]);
  });

  it('comma-separated values are one filter (OR)', () => {
    expect(filterOf('Patient', 'given', 'valueGivenA,valueGivenB')).toEqual({
      kind: 'string',
      param: key('Patient', 'given', 'string'),
      values: ['valueGivenA', 'valueGivenB'],
    });
  });

  it('drops empty OR values', () => {
    expect(filterOf('Patient', 'given', ',a,,b,')).toMatchObject({ values: ['a', 'b'] });
  });
});

describe('empty values (search.html#errors: "Empty parameters are not an error - they are just ignored")', () => {
  it('ignores an empty or blank value and says so, under either handling', () => {
    for (const options of [strict, lenient]) {
      const request = search('Patient', [['name', ''], ['birthdate', '  '], ['nonsense', '']], options);
      expect(request.filters).toEqual([]);
      expect(request.ignored.map((i) => i.name)).toEqual(['name', 'birthdate', 'nonsense']);
      expect(request.ignored[0]?.reason).toContain('empty');
    }
  });

  it('ignores a value of commas only', () => {
    const request = search('Patient', [['name', ',,,']]);
    expect(request.filters).toEqual([]);
    expect(request.ignored).toEqual([{ name: 'name', reason: expect.stringContaining('only commas') as string }]);
  });

  it('ignores empty modifier values, chains and _has too', () => {
    const request = search('Observation', [['code:not', ''], ['subject.name', ''], ['_has:Provenance:target:agent', '']]);
    expect(request.filters).toEqual([]);
    expect(request.ignored).toHaveLength(3);
  });
});

describe('unknown and unsupported parameters (search.html#errors, Prefer: handling)', () => {
  it('strict: an unknown parameter is UNKNOWN_SEARCH_PARAMETER, naming it and a close match', () => {
    const error = thrown(() => search('Patient', [['nmae', 'x']]));
    expect(error.errorName).toBe('UNKNOWN_SEARCH_PARAMETER');
    expect(error.message).toContain('"nmae"');
    expect(error.message).toContain("did you mean 'name'?");
    expect(error.message).toContain('handling=strict');
  });

  it('suggests across a difference of case, and only when the match is close', () => {
    expect(thrown(() => search('Patient', [['Birthdate', '2000']])).message).toContain("did you mean 'birthdate'?");
    expect(thrown(() => search('Patient', [['zzzzzzzz', 'x']])).message).not.toContain('did you mean');
  });

  it('lenient: an unknown parameter is listed in ignored with the reason, and the rest still applies', () => {
    const request = search('Patient', [['nmae', 'x'], ['name', 'peter'], ['foo:exact', 'y']], lenient);
    expect(request.filters).toHaveLength(1);
    expect(request.ignored).toEqual([
      { name: 'nmae', reason: "unknown search parameter for Patient; did you mean 'name'?" },
      { name: 'foo:exact', reason: 'unknown search parameter for Patient' },
    ]);
  });

  it.each([
    ['Patient', '_text', 'full-text'],
    ['Patient', '_content', '_content'],
    ['Patient', '_query', '_query'],
    ['Patient', '_list', '_list'],
    ['Patient', '_filter', '_filter'],
    ['Patient', '_type', '_type'],
    ['Patient', '_contained', '_contained'],
    ['Patient', '_containedType', '_containedType'],
    ['Observation', 'code-value-quantity', 'composite'],
    ['Location', 'near', 'special'],
  ])('%s?%s is reported as not supported, like an unknown parameter', (resourceType, name, reason) => {
    const error = thrown(() => search(resourceType, [[name, 'x']]));
    expect(error.errorName).toBe('UNKNOWN_SEARCH_PARAMETER');
    expect(error.message).toContain(reason);
    const request = search(resourceType, [[name, 'x']], lenient);
    expect(request.ignored).toEqual([{ name, reason: expect.stringContaining(reason) as string }]);
  });

  it('_format and _pretty are accepted and not reported', () => {
    for (const options of [strict, lenient]) {
      const request = search('Patient', [['_format', 'json'], ['_pretty', 'true'], ['_format', '']], options);
      expect(request.filters).toEqual([]);
      expect(request.ignored).toEqual([]);
    }
  });

  it('invalid values of known parameters are INVALID_SEARCH under lenient handling too', () => {
    expect(invalid('Patient', 'birthdate', 'yesterday').message).toContain('not a valid date');
    expect(invalid('Patient', 'name:bogus', 'x').message).toContain('not a modifier of string');
  });

  it('refuses more than one modifier', () => {
    expect(invalid('Patient', 'name:exact:contains', 'x').message).toContain('only one modifier');
  });
});

describe('string parameters (search.html#string)', () => {
  it('keeps the values as written; matching rules are the store’s', () => {
    expect(filterOf('Patient', 'name', 'Pétér Smith')).toEqual({ kind: 'string', param: key('Patient', 'name', 'string'), values: ['Pétér Smith'] });
  });

  it('reads :exact and :contains', () => {
    expect(filterOf('Patient', 'given:exact', 'Eve')).toEqual({ kind: 'string', param: key('Patient', 'given', 'string'), modifier: 'exact', values: ['Eve'] });
    expect(filterOf('Patient', 'given:contains', 'eve')).toMatchObject({ modifier: 'contains', values: ['eve'] });
  });

  it('takes a prefix-like start literally: strings have no prefixes (UK postcode districts NE1, LE1, SA1)', () => {
    expect(filterOf('Patient', 'address-postalcode', 'ne1')).toMatchObject({ kind: 'string', values: ['ne1'] });
    expect(filterOf('Patient', 'family', 'gt5')).toMatchObject({ kind: 'string', values: ['gt5'] });
  });

  it('refuses token and other modifiers on a string', () => {
    expect(invalid('Patient', 'name:not', 'x').message).toContain('use :exact, :contains or :missing, or none');
    expect(invalid('Patient', 'name:text', 'x').errorName).toBe('INVALID_SEARCH');
  });
});

describe(':missing (search.html#modifiers)', () => {
  it.each([
    ['Patient', 'name', 'string'],
    ['Patient', 'gender', 'token'],
    ['Patient', 'general-practitioner', 'reference'],
    ['Patient', 'birthdate', 'date'],
    ['RiskAssessment', 'probability', 'number'],
    ['Observation', 'value-quantity', 'quantity'],
    ['ValueSet', 'url', 'uri'],
  ])('%s?%s:missing on a %s parameter', (resourceType, code, type) => {
    expect(filterOf(resourceType, `${code}:missing`, 'true')).toEqual({ kind: 'missing', param: key(resourceType, code, type), missing: true });
    expect(filterOf(resourceType, `${code}:missing`, 'false')).toEqual({ kind: 'missing', param: key(resourceType, code, type), missing: false });
  });

  it('accepts only true or false, one value', () => {
    for (const bad of ['maybe', 'TRUE', '1', 'true,false']) {
      expect(invalid('Patient', 'name:missing', bad).message).toContain('write true');
    }
  });
});

describe('token parameters (search.html#token)', () => {
  const tokens = (value: string) => filterOf('Observation', 'code', value);

  it('reads code, system|code, |code and system|', () => {
    expect(tokens('1234-5')).toEqual({ kind: 'token', param: key('Observation', 'code', 'token'), values: [{ code: '1234-5' }] });
    expect(tokens('http://loinc.org|1234-5')).toMatchObject({ values: [{ system: 'http://loinc.org', code: '1234-5' }] });
    expect(tokens('|1234-5')).toMatchObject({ values: [{ system: null, code: '1234-5' }] });
    expect(tokens('http://loinc.org|')).toMatchObject({ values: [{ system: 'http://loinc.org' }] });
  });

  it('an any-system value carries no system key at all', () => {
    const filter = tokens('abc');
    expect(filter.kind === 'token' && Object.keys(filter.values[0] ?? {})).toEqual(['code']);
  });

  it('refuses a bare | and more than one |', () => {
    expect(invalid('Observation', 'code', '|').message).toContain('neither a system nor a code');
    expect(invalid('Observation', 'code', 'a|b|c').message).toContain("more than one '|'");
  });

  it('reads :not and :text', () => {
    expect(filterOf('Patient', 'gender:not', 'male')).toEqual({ kind: 'token', param: key('Patient', 'gender', 'token'), modifier: 'not', values: [{ code: 'male' }] });
    expect(filterOf('Condition', 'code:text', 'headache,migraine')).toEqual({
      kind: 'token-text',
      param: key('Condition', 'code', 'token'),
      values: ['headache', 'migraine'],
    });
  });

  it.each(['of-type', 'in', 'not-in', 'below', 'above'])('refuses :%s as not supported', (modifier) => {
    const error = invalid('Patient', `identifier:${modifier}`, 'x');
    expect(error.message).toContain('not supported');
    expect(error.message).toContain(`:${modifier}`);
  });

  it('refuses a modifier tokens do not have', () => {
    expect(invalid('Patient', 'gender:exact', 'male').message).toContain('use :not, :text or :missing, or none');
  });
});

describe('uri parameters (search.html#uri)', () => {
  it('reads plain, :below and :above values', () => {
    expect(filterOf('ValueSet', 'url', 'http://acme.org/fhir/ValueSet/123')).toEqual({
      kind: 'uri',
      param: key('ValueSet', 'url', 'uri'),
      values: ['http://acme.org/fhir/ValueSet/123'],
    });
    expect(filterOf('ValueSet', 'url:below', 'http://acme.org/fhir/')).toMatchObject({ modifier: 'below', values: ['http://acme.org/fhir/'] });
    expect(filterOf('ValueSet', 'url:above', 'http://acme.org/fhir/ValueSet/123/_history/5')).toMatchObject({ modifier: 'above' });
    expect(filterOf('ValueSet', 'url', 'urn:oid:1.2.3.4.5')).toMatchObject({ values: ['urn:oid:1.2.3.4.5'] });
  });

  it('ORs urls split at unescaped commas only', () => {
    expect(filterOf('ValueSet', 'url', 'http://acme.org/fhir/ValueSet/123,http://acme.org/fhir/ValueSet/124\\,ValueSet/125')).toMatchObject({
      values: ['http://acme.org/fhir/ValueSet/123', 'http://acme.org/fhir/ValueSet/124,ValueSet/125'],
    });
  });

  it('refuses other modifiers', () => {
    expect(invalid('ValueSet', 'url:contains', 'x').message).toContain('use :below, :above or :missing, or none');
  });
});

describe('parameters for all resources (search.html#all)', () => {
  it('_id is an id filter, :not negates it', () => {
    expect(filterOf('Patient', '_id', '23,24')).toEqual({ kind: 'id', values: ['23', '24'] });
    expect(filterOf('Patient', '_id:not', '23')).toEqual({ kind: 'id', values: ['23'], not: true });
  });

  it('_id refuses malformed ids and other modifiers', () => {
    expect(invalid('Patient', '_id', 'Patient/23').message).toContain('not a valid id');
    expect(invalid('Patient', '_id', 'a b').message).toContain('not a valid id');
    expect(invalid('Patient', '_id', 'x'.repeat(65)).message).toContain('not a valid id');
    expect(invalid('Patient', '_id:missing', 'true').message).toContain('_id takes no modifier but :not');
  });

  it('_lastUpdated is a last-updated filter with prefixes', () => {
    expect(filterOf('Observation', '_lastUpdated', 'gt2010-10-01')).toEqual({
      kind: 'last-updated',
      values: [{ prefix: 'gt', low: Date.UTC(2010, 9, 1), high: Date.UTC(2010, 9, 2) - 1 }],
    });
    expect(invalid('Observation', '_lastUpdated:missing', 'true').message).toContain('takes no modifier');
  });

  it('_tag and _security are tokens, _profile and _source are uris, on the searched type', () => {
    expect(filterOf('Observation', '_tag', 'http://example.org/tags|urgent')).toEqual({
      kind: 'token',
      param: key('Observation', '_tag', 'token'),
      values: [{ system: 'http://example.org/tags', code: 'urgent' }],
    });
    expect(filterOf('Observation', '_security', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R')).toMatchObject({
      kind: 'token',
      param: key('Observation', '_security', 'token'),
    });
    expect(filterOf('Patient', '_profile', 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient')).toMatchObject({
      kind: 'uri',
      param: key('Patient', '_profile', 'uri'),
    });
    expect(filterOf('Patient', '_source', 'http://example.org/feeds/gp')).toMatchObject({ kind: 'uri', param: key('Patient', '_source', 'uri') });
    expect(filterOf('Patient', '_tag:not', 'x')).toMatchObject({ kind: 'token', modifier: 'not' });
  });
});
