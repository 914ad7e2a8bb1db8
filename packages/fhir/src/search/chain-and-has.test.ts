import { describe, expect, it } from 'vitest';
import { parseSearchRequest } from './parse-search.ts';
import type { SearchFilter } from './search-request.ts';
import { thrown, key } from './search-test-support.ts';

function filterOf(resourceType: string, name: string, value: string): SearchFilter {
  const [filter] = parseSearchRequest(resourceType, [[name, value]], { handling: 'strict' }).filters;
  if (!filter) throw new Error('no filter');
  return filter;
}

function invalid(resourceType: string, name: string, value: string): string {
  const error = thrown(() => parseSearchRequest(resourceType, [[name, value]], { handling: 'lenient' }));
  expect(error.errorName).toBe('INVALID_SEARCH');
  return error.message;
}

describe('chained parameters (search.html#chaining)', () => {
  it('subject:Patient.name=peter chains to Patient only', () => {
    expect(filterOf('DiagnosticReport', 'subject:Patient.name', 'peter')).toEqual({
      kind: 'chain',
      param: key('DiagnosticReport', 'subject', 'reference'),
      targets: [{ type: 'Patient', filter: { kind: 'string', param: key('Patient', 'name', 'string'), values: ['peter'] } }],
    });
  });

  it('subject.name=peter chains to every target type that has a name parameter', () => {
    // DiagnosticReport.subject → Device | Group | Location | Patient; only Location and Patient have `name`
    const filter = filterOf('DiagnosticReport', 'subject.name', 'peter');
    expect(filter.kind === 'chain' && filter.targets.map((t) => t.type)).toEqual(['Location', 'Patient']);
    expect(filter).toMatchObject({ targets: [{ filter: { param: key('Location', 'name', 'string') } }, { filter: { param: key('Patient', 'name', 'string') } }] });
  });

  it('general-practitioner.identifier=x reaches Organization, Practitioner and PractitionerRole', () => {
    const filter = filterOf('Patient', 'general-practitioner.identifier', 'http://example.org/gmc|G123');
    expect(filter).toEqual({
      kind: 'chain',
      param: key('Patient', 'general-practitioner', 'reference'),
      targets: ['Organization', 'Practitioner', 'PractitionerRole'].map((type) => ({
        type,
        filter: { kind: 'token', param: key(type, 'identifier', 'token'), values: [{ system: 'http://example.org/gmc', code: 'G123' }] },
      })),
    });
  });

  it('chained parameters are separate filters (each evaluated on its own)', () => {
    const { filters } = parseSearchRequest(
      'Patient',
      [
        ['general-practitioner.name', 'Joe'],
        ['general-practitioner.address-state', 'MN'],
      ],
      { handling: 'strict' },
    );
    expect(filters).toHaveLength(2);
  });

  it('the chained parameter keeps its own modifier and value syntax', () => {
    expect(filterOf('Patient', 'general-practitioner:Practitioner.name:exact', 'Joe')).toMatchObject({
      targets: [{ type: 'Practitioner', filter: { kind: 'string', modifier: 'exact', values: ['Joe'] } }],
    });
    expect(filterOf('Observation', 'subject:Patient.birthdate', 'ge2000')).toMatchObject({
      targets: [{ type: 'Patient', filter: { kind: 'date', values: [{ prefix: 'ge', low: Date.UTC(2000, 0, 1) }] } }],
    });
    expect(filterOf('Observation', 'subject:Patient._id', '123')).toMatchObject({ targets: [{ filter: { kind: 'id', values: ['123'] } }] });
    expect(filterOf('Observation', 'subject:Patient.name:missing', 'true')).toMatchObject({
      targets: [{ filter: { kind: 'missing', param: key('Patient', 'name', 'string'), missing: true } }],
    });
    expect(filterOf('Encounter', 'subject:Patient.organization', 'Organization/7')).toMatchObject({
      targets: [{ filter: { kind: 'reference', values: [{ type: 'Organization', id: '7' }] } }],
    });
  });

  it('reports an invalid chained value with the chain in the message', () => {
    expect(invalid('Observation', 'subject:Patient.birthdate', 'soon')).toContain("'subject:Patient.birthdate'");
    expect(invalid('Observation', 'subject:Patient.name:bogus', 'x')).toContain('subject:Patient.name:bogus');
  });

  it('refuses chains deeper than one level, saying only one is supported', () => {
    expect(invalid('Observation', 'subject:Patient.organization.name', 'x')).toContain('only one level of chaining');
    expect(invalid('Observation', 'subject.organization.name', 'x')).toContain('only one level of chaining');
  });

  it('refuses chaining a parameter that is not a reference', () => {
    expect(invalid('Patient', 'name.family', 'x')).toContain('only reference parameters can be chained');
  });

  it('refuses a chained parameter that no target type has', () => {
    expect(invalid('Observation', 'subject.nonsense', 'x')).toContain('none of Device, Group, Location, Patient has a supported search parameter "nonsense"');
    expect(invalid('Observation', 'subject:Patient.nonsense', 'x')).toContain('Patient has a supported search parameter "nonsense"');
    expect(invalid('Observation', 'subject:Patient._text', 'x')).toContain('"_text"');
  });

  it('refuses a type the reference cannot point at, :identifier, and other modifiers before the dot', () => {
    expect(invalid('Observation', 'subject:Medication.code', 'x')).toContain('cannot refer to a Medication');
    expect(invalid('Observation', 'subject:identifier.name', 'x')).toContain(':identifier cannot be chained');
    expect(invalid('Observation', 'subject:missing.name', 'x')).toContain('narrowed by a resource type');
  });

  it('refuses _has inside a chain', () => {
    expect(invalid('Observation', 'subject._has', 'x')).toContain('_has cannot be used inside a chain');
  });

  it('treats an unknown parameter before the dot as unknown (strict) or ignored (lenient)', () => {
    expect(thrown(() => parseSearchRequest('Observation', [['nonsense.name', 'x']], { handling: 'strict' })).errorName).toBe('UNKNOWN_SEARCH_PARAMETER');
    expect(parseSearchRequest('Observation', [['nonsense.name', 'x']], { handling: 'lenient' }).ignored).toEqual([
      { name: 'nonsense.name', reason: 'unknown search parameter for Observation' },
    ]);
  });
});

describe('reverse chaining with _has (search.html#has)', () => {
  it('_has:Observation:patient:code=1234-5 selects patients referred to by such observations', () => {
    expect(filterOf('Patient', '_has:Observation:patient:code', '1234-5')).toEqual({
      kind: 'has',
      sourceType: 'Observation',
      referenceParam: key('Observation', 'patient', 'reference'),
      filter: { kind: 'token', param: key('Observation', 'code', 'token'), values: [{ code: '1234-5' }] },
    });
  });

  it('ORs values and ANDs repeated _has parameters', () => {
    const request = parseSearchRequest(
      'Patient',
      [
        ['_has:Observation:patient:code', '123,456'],
        ['_has:Observation:patient:code', '789'],
      ],
      { handling: 'strict' },
    );
    expect(request.filters).toHaveLength(2);
    expect(request.filters[0]).toMatchObject({ filter: { values: [{ code: '123' }, { code: '456' }] } });
  });

  it('accepts a reference parameter with several targets that include the searched type, and a modifier on the last part', () => {
    expect(filterOf('Patient', '_has:Observation:subject:code:not', 'x')).toMatchObject({
      referenceParam: key('Observation', 'subject', 'reference'),
      filter: { kind: 'token', modifier: 'not' },
    });
    expect(filterOf('Encounter', '_has:Condition:encounter:onset-date', 'ge2020')).toMatchObject({ filter: { kind: 'date' } });
  });

  it('refuses nested _has, saying so', () => {
    expect(invalid('Patient', '_has:Observation:patient:_has:AuditEvent:entity:agent', 'MyUserId')).toContain('nested _has is not supported');
  });

  it('refuses a reference parameter that cannot point at the searched type', () => {
    expect(invalid('Patient', '_has:Observation:encounter:code', '1')).toContain('Observation.encounter cannot refer to a Patient');
  });

  it('refuses malformed _has parameters with the form to use', () => {
    for (const name of ['_has', '_has:Observation', '_has:Observation:patient', '_has:Observation:patient:code:not:x']) {
      expect(invalid('Patient', name, '1')).toContain('_has:[type]:[reference parameter]:[parameter]');
    }
    expect(invalid('Patient', '_has:Foo:patient:code', '1')).toContain('"Foo" is not a FHIR resource type');
    expect(invalid('Patient', '_has:Observation:nonsense:code', '1')).toContain('no reference search parameter "nonsense"');
    expect(invalid('Patient', '_has:Observation:code:code', '1')).toContain('no reference search parameter "code"');
    expect(invalid('Patient', '_has:Observation:patient:nonsense', '1')).toContain('no supported search parameter "nonsense"');
    expect(invalid('Patient', '_has:Observation:patient:subject.name', 'x')).toContain('a chain inside _has is not supported');
  });

  it('checks the value against the source type’s parameter', () => {
    expect(invalid('Patient', '_has:Observation:patient:value-quantity', 'lots')).toContain("'_has:Observation:patient:value-quantity'");
  });
});
