import { describe, expect, it } from 'vitest';
import { parseSearchRequest } from './parse-search.ts';
import type { SearchFilter } from './search-request.ts';
import { thrown } from './search-test-support.ts';

/** `baseUrl` null: a server that does not know its base url */
function filterOf(resourceType: string, name: string, value: string, baseUrl: string | null = 'http://example.org/fhir'): SearchFilter {
  const request = parseSearchRequest(resourceType, [[name, value]], baseUrl === null ? { handling: 'strict' } : { handling: 'strict', baseUrl });
  const [filter] = request.filters;
  if (!filter) throw new Error('no filter');
  return filter;
}

function valuesOf(resourceType: string, name: string, value: string, baseUrl: string | null = 'http://example.org/fhir'): unknown {
  const filter = filterOf(resourceType, name, value, baseUrl);
  return filter.kind === 'reference' ? filter.values : filter;
}

function invalid(resourceType: string, name: string, value: string): string {
  const error = thrown(() => parseSearchRequest(resourceType, [[name, value]], { handling: 'lenient', baseUrl: 'http://example.org/fhir' }));
  expect(error.errorName).toBe('INVALID_SEARCH');
  return error.message;
}

describe('reference values (search.html#reference)', () => {
  it('reads [type]/[id]', () => {
    expect(filterOf('Observation', 'subject', 'Patient/123')).toEqual({
      kind: 'reference',
      param: { resourceType: 'Observation', code: 'subject', type: 'reference' },
      values: [{ type: 'Patient', id: '123' }],
    });
  });

  it('reads a bare [id] as any permitted type when there are several', () => {
    expect(valuesOf('Observation', 'subject', '123')).toEqual([{ id: '123' }]);
  });

  it('gives a bare [id] the type when the parameter has exactly one target', () => {
    expect(valuesOf('Encounter', 'service-provider', '123')).toEqual([{ type: 'Organization', id: '123' }]);
    // R4's clinical-patient lists two targets (Group, Patient), so a bare id stays untyped
    expect(valuesOf('Observation', 'patient', '9')).toEqual([{ id: '9' }]);
  });

  it('reads an absolute url on this server as the relative reference, with or without a final slash on the base', () => {
    expect(valuesOf('Observation', 'subject', 'http://example.org/fhir/Patient/123')).toEqual([{ type: 'Patient', id: '123' }]);
    expect(valuesOf('Observation', 'subject', 'http://example.org/fhir/Patient/123', 'http://example.org/fhir/')).toEqual([
      { type: 'Patient', id: '123' },
    ]);
  });

  it('keeps other absolute urls and urns as urls', () => {
    expect(valuesOf('Observation', 'subject', 'http://other.org/fhir/Patient/123')).toEqual([{ url: 'http://other.org/fhir/Patient/123' }]);
    expect(valuesOf('Observation', 'subject', 'http://example.org/fhir/Patient/123', null)).toEqual([
      { url: 'http://example.org/fhir/Patient/123' },
    ]);
    expect(valuesOf('Observation', 'subject', 'http://example.org/fhir/metadata')).toEqual([{ url: 'http://example.org/fhir/metadata' }]);
    expect(valuesOf('Observation', 'subject', 'urn:uuid:8a5f6c7e-1234-4c1e-9d3b-2f0a8e7b6c5d')).toEqual([
      { url: 'urn:uuid:8a5f6c7e-1234-4c1e-9d3b-2f0a8e7b6c5d' },
    ]);
  });

  it('reads a canonical url|version (search.html#versions)', () => {
    expect(valuesOf('QuestionnaireResponse', 'questionnaire', 'http://example.org/fhir/Questionnaire/patient-intake|3.0')).toEqual([
      { url: 'http://example.org/fhir/Questionnaire/patient-intake', version: '3.0' },
    ]);
    expect(valuesOf('QuestionnaireResponse', 'questionnaire', 'http://example.org/q|')).toEqual([{ url: 'http://example.org/q' }]);
  });

  it('ORs several forms at once', () => {
    expect(valuesOf('Observation', 'subject', 'Patient/1,2,http://example.org/fhir/Group/3,http://else.org/x')).toEqual([
      { type: 'Patient', id: '1' },
      { id: '2' },
      { type: 'Group', id: '3' },
      { url: 'http://else.org/x' },
    ]);
  });

  it('refuses a version on a relative reference, and version-specific references', () => {
    expect(invalid('Observation', 'subject', 'Patient/1|2')).toContain('canonical');
    const versioned = invalid('Observation', 'subject', 'Patient/1/_history/2');
    expect(versioned).toContain('names a version');
    expect(versioned).toContain('"Patient/1"');
    expect(invalid('Observation', 'subject', 'http://example.org/fhir/Patient/1/_history/2')).toContain('names a version');
  });

  it('refuses types the parameter cannot point at, unknown types and malformed references', () => {
    expect(invalid('Observation', 'subject', 'Medication/1')).toContain('cannot refer to a Medication; it refers to Device, Group, Location, Patient');
    expect(invalid('Observation', 'subject', 'Foo/1')).toContain('"Foo" is not a FHIR resource type');
    expect(invalid('Observation', 'subject', 'a b')).toContain('not a valid id or reference');
    expect(invalid('Observation', 'subject', 'Patient/')).toContain('not a valid reference');
    expect(invalid('Observation', 'subject', 'a/b/c')).toContain('not a valid reference');
    expect(invalid('Observation', 'subject', '#contained')).toContain('contained resource');
    expect(invalid('Observation', 'subject', 'Patient/1|a|b')).toContain("more than one '|'");
  });
});

describe('reference modifiers', () => {
  it(':[type] narrows a bare id to that type (subject:Patient=23 is subject=Patient/23)', () => {
    expect(filterOf('Observation', 'subject:Patient', '23')).toEqual(filterOf('Observation', 'subject', 'Patient/23'));
    expect(valuesOf('Observation', 'subject:Patient', 'Patient/23')).toEqual([{ type: 'Patient', id: '23' }]);
    expect(valuesOf('Observation', 'subject:Patient', 'http://example.org/fhir/Patient/23')).toEqual([{ type: 'Patient', id: '23' }]);
  });

  it(':[type] refuses a value of another type, a type the parameter cannot point at, and a url elsewhere', () => {
    expect(invalid('Observation', 'subject:Patient', 'Group/1')).toContain('the modifier asks for a Patient');
    expect(invalid('Observation', 'subject:Medication', '1')).toContain('subject cannot refer to a Medication');
    expect(invalid('Observation', 'subject:Patient', 'http://other.org/Patient/1')).toContain('url on another server');
    expect(invalid('QuestionnaireResponse', 'questionnaire:Questionnaire', 'http://x.org/q|1')).toContain('url on another server');
  });

  it(':identifier searches Reference.identifier with token values', () => {
    expect(filterOf('Observation', 'subject:identifier', 'http://acme.org/fhir/identifier/mrn|123456,|789')).toEqual({
      kind: 'reference-identifier',
      param: { resourceType: 'Observation', code: 'subject', type: 'reference' },
      values: [{ system: 'http://acme.org/fhir/identifier/mrn', code: '123456' }, { system: null, code: '789' }],
    });
  });

  it('refuses :below and :above (hierarchies, canonical versions) as not supported, and unknown modifiers', () => {
    expect(invalid('Procedure', 'location:below', '42')).toContain('not supported');
    expect(invalid('MedicationAdministration', 'context:above', '21')).toContain('not supported');
    expect(invalid('Observation', 'subject:Foo', '1')).toContain('use :[type] (e.g. :Patient), :identifier or :missing');
    expect(invalid('Observation', 'subject:text', 'x')).toContain('not a modifier of reference');
  });
});
