/** FHIRPath module behaviour beyond agreement with fhirpath.js: resolve(), `as`, typing, purity. */
import { describe, expect, it } from 'vitest';
import { FhirError } from '../errors.ts';
import { parseReference } from '../references.ts';
import type { Resource } from '../types.ts';
import { fixtures } from './fhirpath-fixtures.ts';
import { compileFhirPath, evaluateFhirPath, evaluateFhirPathTyped, parseLiteralReference, referenceTargetType } from './index.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const planDefinition = fixtures.find((resource) => resource.resourceType === 'PlanDefinition') as Resource;

describe('resolve() is T: the type the reference names', () => {
  it.each([
    [{ reference: 'Patient/1' }, 'Patient'],
    [{ reference: 'Patient/1/_history/2' }, 'Patient'],
    [{ reference: 'https://example.org/fhir/Practitioner/7' }, 'Practitioner'],
    [{ reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1' }, 'Practitioner'],
    [{ reference: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0', type: 'Organization' }, 'Organization'],
    [{ reference: '#contained' }, undefined],
    [{ reference: '#contained', type: 'http://hl7.org/fhir/StructureDefinition/Patient' }, 'Patient'],
    [{ identifier: { value: '1' }, type: 'Device' }, 'Device'],
    [{ display: 'no type' }, undefined],
    [{ reference: 'Nonsense/1' }, undefined],
    ['Patient/1', undefined],
  ])('%j → %s', (reference, type) => {
    expect(referenceTargetType(reference)).toBe(type);
  });

  it('means the same in fhirpath.js and in compiled code', () => {
    const resource: Resource = {
      resourceType: 'Encounter',
      subject: { reference: 'https://example.org/fhir/Patient/1' },
      participant: [{ individual: { reference: 'Practitioner/1' } }, { individual: { reference: 'RelatedPerson/1' } }],
    };
    const expression = 'Encounter.participant.individual.where(resolve() is Practitioner) | Encounter.subject.where(resolve() is Patient)';
    const expected = [
      { value: { reference: 'Practitioner/1' }, type: 'Reference' },
      { value: { reference: 'https://example.org/fhir/Patient/1' }, type: 'Reference' },
    ];
    expect(evaluateFhirPathTyped(expression, resource)).toEqual(expected);
    expect(compileFhirPath(expression).evaluate(resource)).toEqual(expected);
    expect(JSON.stringify(compileFhirPath(expression).evaluate(resource))).toBe(JSON.stringify(expected));
  });

  it('parses "Type/id" exactly as parseReference does', () => {
    for (const literal of ['Patient/1', 'Patient/a.b-C', 'Patient/bad id', 'Patient/1|x', 'Patient/', '/1', 'Nonsense/1', 'urn:uuid:x/y', 'a/Patient/1', '#p', 'Patient/1/_history/2', 'http://x/Patient/1', 'Patient']) {
      expect(parseLiteralReference(literal), literal).toEqual(parseReference(literal));
    }
  });
});

describe('compiled expressions', () => {
  it('filter with `as` on repeating elements, where fhirpath.js insists on a single item', () => {
    const expression = '(PlanDefinition.useContext.value as Quantity)';
    expect(() => evaluateFhirPathTyped(expression, planDefinition)).toThrow(/Expected singleton on left side of 'as'/);
    expect(compileFhirPath(expression).evaluate(planDefinition)).toEqual([{ value: { value: 3, unit: 'steps' }, type: 'Quantity' }]);
  });

  it('raise a FhirError for `is` on several items, as N1 requires', () => {
    const evaluate = (): unknown => compileFhirPath('PlanDefinition.useContext.value is Quantity').evaluate(planDefinition);
    expect(evaluate).toThrow(FhirError);
    expect(evaluate).toThrow(/needs a single item, found 3/);
  });

  it.each([
    ['Patient.name', ['HumanName']],
    ['(Observation.value as Quantity)', ['Quantity']],
    ['Condition.onset.as(Age) | Condition.onset.as(Range)', ['Age', 'Range']],
    ['Observation.effective', ['dateTime', 'Period', 'Timing', 'instant']],
    ['Questionnaire.item.item.code', ['Coding']],
    ['Questionnaire.item.item', ['BackboneElement']],
    ['Resource.meta.profile', ['canonical']],
    ['Patient.deceased.exists() and Patient.deceased != false', ['boolean']],
    ['Bundle.entry[0].resource', ['Resource']],
  ])('know the types of %s from the model', (expression, types) => {
    expect(compileFhirPath(expression).resultTypes).toEqual(types);
  });

  it('are cached', () => {
    expect(compileFhirPath('Patient.name.family')).toBe(compileFhirPath('Patient.name.family'));
  });

  it('give nothing for a resource of another type', () => {
    expect(compileFhirPath('Patient.name').evaluate({ resourceType: 'Practitioner', name: [{ family: 'x' }] })).toEqual([]);
  });
});

describe('purity', () => {
  it('neither engine changes the resource it reads', () => {
    const resource = deepFreeze(structuredClone(fixtures[0] as Resource));
    const before = JSON.stringify(resource);
    for (const expression of ['Patient.name', 'Patient.generalPractitioner.where(resolve() is Practitioner)', 'Patient.descendants()', 'Resource.meta.tag']) {
      expect(() => evaluateFhirPath(expression, resource)).not.toThrow();
      expect(() => compileFhirPath(expression).evaluate(resource)).not.toThrow();
    }
    expect(JSON.stringify(resource)).toBe(before);
  });

  it('evaluateFhirPath returns plain JSON values', () => {
    expect(evaluateFhirPath('Patient.name.given', fixtures[0] as Resource)).toEqual(['Peter', 'James', 'Jim', 'Zoë']);
    expect(evaluateFhirPath('Patient.birthDate', fixtures[0] as Resource)).toEqual(['1974-12-25']);
  });
});
