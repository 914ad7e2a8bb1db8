import { describe, expect, it } from 'vitest';
import { parseSearchRequest } from './parse-search.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type SearchRequest } from './search-request.ts';
import { thrown, key } from './search-test-support.ts';

function search(resourceType: string, params: [string, string][]): SearchRequest {
  return parseSearchRequest(resourceType, params, { handling: 'strict' });
}

function invalid(resourceType: string, params: [string, string][]): string {
  const error = thrown(() => parseSearchRequest(resourceType, params, { handling: 'lenient' }));
  expect(error.errorName).toBe('INVALID_SEARCH');
  return error.message;
}

describe('_sort (search.html#sort)', () => {
  it('reads keys in priority order with - for descending', () => {
    expect(search('Observation', [['_sort', 'status,-date,category']]).sort).toEqual([
      { param: key('Observation', 'status', 'token'), descending: false },
      { param: key('Observation', 'date', 'date'), descending: true },
      { param: key('Observation', 'category', 'token'), descending: false },
    ]);
  });

  it('sorts on _id and _lastUpdated', () => {
    expect(search('Patient', [['_sort', '-_lastUpdated,_id']]).sort).toEqual([
      { param: '_lastUpdated', descending: true },
      { param: '_id', descending: false },
    ]);
  });

  it('skips empty keys and trims spaces', () => {
    expect(search('Patient', [['_sort', ' family , ,-birthdate,']]).sort).toEqual([
      { param: key('Patient', 'family', 'string'), descending: false },
      { param: key('Patient', 'birthdate', 'date'), descending: true },
    ]);
  });

  it('refuses unknown and unsortable keys, suggesting a close one', () => {
    const unknown = invalid('Patient', [['_sort', 'brithdate']]);
    expect(unknown).toContain('"brithdate" is not a search parameter of Patient');
    expect(unknown).toContain("Did you mean 'birthdate'?");
    expect(invalid('Patient', [['_sort', '-']])).toContain('"" is not a search parameter');
    expect(invalid('Observation', [['_sort', 'code-value-quantity']])).toContain('composite parameter, which cannot be sorted on');
    expect(invalid('Patient', [['_sort', '_score']])).toContain('"_score"');
    expect(invalid('Patient', [['_sort:desc', 'name']])).toContain('_sort takes no modifier');
  });
});

describe('_count (search.html#count)', () => {
  it('defaults, reads, allows 0 and clamps to MAX_PAGE_SIZE', () => {
    expect(search('Patient', []).count).toBe(DEFAULT_PAGE_SIZE);
    expect(search('Patient', [['_count', '10']]).count).toBe(10);
    expect(search('Patient', [['_count', '0']]).count).toBe(0);
    expect(search('Patient', [['_count', String(MAX_PAGE_SIZE)]]).count).toBe(MAX_PAGE_SIZE);
    expect(search('Patient', [['_count', String(MAX_PAGE_SIZE + 1)]]).count).toBe(MAX_PAGE_SIZE);
    expect(search('Patient', [['_count', '99999999999999999999999999']]).count).toBe(MAX_PAGE_SIZE);
  });

  it('refuses negative and non-whole values with what to write', () => {
    expect(invalid('Patient', [['_count', '-1']])).toContain('negative');
    for (const bad of ['abc', '1.5', '1e3', '0x10', '10 items']) {
      expect(invalid('Patient', [['_count', bad]])).toContain(`is not a whole number; write one from 0 to ${MAX_PAGE_SIZE}`);
    }
  });

  it('refuses a repeated _count', () => {
    expect(invalid('Patient', [['_count', '1'], ['_count', '2']])).toContain("'_count' appears more than once");
  });
});

describe('_total, _summary, _elements, _cursor', () => {
  it('_total defaults to none (counted only when free) and reads none, estimate, accurate', () => {
    expect(search('Patient', []).total).toBe('none');
    for (const mode of ['none', 'estimate', 'accurate'] as const) expect(search('Patient', [['_total', mode]]).total).toBe(mode);
    expect(invalid('Patient', [['_total', 'exact']])).toContain('write none, estimate or accurate');
  });

  it('_summary reads its five values', () => {
    expect(search('Patient', []).summary).toBeUndefined();
    for (const mode of ['true', 'text', 'data', 'count', 'false'] as const) expect(search('Patient', [['_summary', mode]]).summary).toBe(mode);
    expect(invalid('Patient', [['_summary', 'yes']])).toContain('write true, text, data, count or false');
  });

  it('_summary=text cannot be combined with _include or _revinclude', () => {
    expect(invalid('Observation', [['_summary', 'text'], ['_include', 'Observation:subject']])).toContain('cannot be combined with _summary=text');
    expect(invalid('Patient', [['_revinclude', 'Observation:patient'], ['_summary', 'text']])).toContain('cannot be combined');
    expect(search('Observation', [['_summary', 'data'], ['_include', 'Observation:subject']]).include).toHaveLength(1);
  });

  it('_elements reads top-level element names, base or choice, without duplicates', () => {
    expect(search('Patient', [['_elements', 'identifier,active,link,identifier']]).elements).toEqual(['identifier', 'active', 'link']);
    expect(search('Observation', [['_elements', 'value, valueQuantity,effectiveDateTime']]).elements).toEqual(['value', 'valueQuantity', 'effectiveDateTime']);
    expect(search('Patient', [['_elements', ',,']]).elements).toBeUndefined();
  });

  it('_elements refuses unknown and nested names', () => {
    const unknown = invalid('Patient', [['_elements', 'nmae']]);
    expect(unknown).toContain('"nmae" is not an element of Patient');
    expect(unknown).toContain("Did you mean 'name'?");
    expect(invalid('Patient', [['_elements', 'name.family']])).toContain('Only top-level element names');
    expect(invalid('Observation', [['_elements', 'valueFoo']])).toContain('not an element of Observation');
  });

  it('_cursor is kept as given', () => {
    expect(search('Patient', [['_cursor', 'eyJrIjoxfQ==']]).cursor).toBe('eyJrIjoxfQ==');
    expect(search('Patient', [['_cursor', '']]).cursor).toBeUndefined();
  });
});

describe('_include and _revinclude (search.html#include)', () => {
  it('reads [type]:[parameter] and [type]:[parameter]:[target type]', () => {
    const request = search('MedicationRequest', [
      ['_include', 'MedicationRequest:patient'],
      ['_include', 'MedicationRequest:requester:Practitioner'],
      ['_revinclude', 'Provenance:target'],
    ]);
    expect(request.include).toEqual([
      { sourceType: 'MedicationRequest', paramCode: 'patient', iterate: false },
      { sourceType: 'MedicationRequest', paramCode: 'requester', targetType: 'Practitioner', iterate: false },
    ]);
    expect(request.revinclude).toEqual([{ sourceType: 'Provenance', paramCode: 'target', iterate: false }]);
  });

  it('reads the wildcards * and [type]:*', () => {
    expect(search('Observation', [['_include', '*']]).include).toEqual([{ sourceType: 'Observation', paramCode: '*', iterate: false }]);
    expect(search('Observation', [['_include', 'Observation:*']]).include).toEqual([{ sourceType: 'Observation', paramCode: '*', iterate: false }]);
    expect(search('Patient', [['_revinclude', 'Observation:*']]).revinclude).toEqual([{ sourceType: 'Observation', paramCode: '*', iterate: false }]);
    expect(invalid('Patient', [['_revinclude', '*']])).toContain('name the source type');
    expect(invalid('Patient', [['_include:iterate', '*']])).toContain('name the source type');
  });

  it('reads :iterate and its older name :recurse', () => {
    const request = search('MedicationDispense', [
      ['_include', 'MedicationDispense:prescription'],
      ['_include:iterate', 'MedicationRequest:requester'],
      ['_include:recurse', 'Observation:has-member'],
      ['_revinclude:iterate', 'Provenance:target'],
    ]);
    expect(request.include.map((r) => r.iterate)).toEqual([false, true, true]);
    expect(request.revinclude).toEqual([{ sourceType: 'Provenance', paramCode: 'target', iterate: true }]);
  });

  it('refuses an _include that does not start from the searched type unless it iterates', () => {
    expect(invalid('Observation', [['_include', 'Patient:organization']])).toContain('use _include:iterate');
    expect(search('Observation', [['_include:iterate', 'Patient:organization']]).include).toHaveLength(1);
  });

  it('refuses a _revinclude that cannot point at the searched type unless it iterates', () => {
    expect(invalid('Encounter', [['_revinclude', 'Observation:patient']])).toContain('cannot refer to an Encounter');
    expect(invalid('Encounter', [['_revinclude', 'Observation:subject:Patient']])).toContain('would include nothing');
    expect(search('Encounter', [['_revinclude:iterate', 'Observation:patient']]).revinclude).toHaveLength(1);
  });

  it('refuses malformed inclusions with the forms to use', () => {
    expect(invalid('Observation', [['_include', 'Observation']])).toContain('[type]:[parameter]');
    expect(invalid('Observation', [['_include', 'Foo:bar']])).toContain('[type]:[parameter]');
    expect(invalid('Observation', [['_include', 'Observation:a:b:c']])).toContain('[type]:[parameter]');
    expect(invalid('Observation', [['_include', 'Observation:code']])).toContain('no reference search parameter "code"');
    expect(invalid('Observation', [['_include', 'Observation:subjct']])).toContain("Did you mean 'subject'?");
    expect(invalid('Observation', [['_include', 'Observation:subject:Medication']])).toContain('cannot refer to "Medication"');
    expect(invalid('Observation', [['_include', 'Observation:subject,Observation:performer']])).toContain('repeat the parameter');
    expect(invalid('Observation', [['_include:deep', 'Observation:subject']])).toContain(':iterate');
  });
});
