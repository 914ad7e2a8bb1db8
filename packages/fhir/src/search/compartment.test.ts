import { describe, expect, it } from 'vitest';
import { patientCompartmentTypes } from '../compartments.ts';
import { getSearchParameter } from '../search-parameters.ts';
import { compartmentFilter } from './compartment.ts';
import { thrown } from './search-test-support.ts';

describe('compartmentFilter (search.html#searchcontexts, compartmentdefinition-patient.html)', () => {
  it('/Patient/123/Observation: observations whose subject or performer is the patient', () => {
    expect(compartmentFilter('Patient', '123', 'Observation')).toEqual({
      kind: 'compartment',
      compartmentType: 'Patient',
      id: '123',
      params: [
        { resourceType: 'Observation', code: 'subject', type: 'reference' },
        { resourceType: 'Observation', code: 'performer', type: 'reference' },
      ],
    });
  });

  it('/Patient/123/Patient: the patient itself (by _id) and the patients linked to it', () => {
    expect(compartmentFilter('Patient', '123', 'Patient')).toEqual({
      kind: 'compartment',
      compartmentType: 'Patient',
      id: '123',
      params: [
        { resourceType: 'Patient', code: '_id', type: 'token' },
        { resourceType: 'Patient', code: 'link', type: 'reference' },
      ],
    });
  });

  it('gives every type in the compartment a filter on its reference parameters', () => {
    const types = patientCompartmentTypes();
    expect(types.length).toBeGreaterThan(30);
    for (const type of types) {
      const filter = compartmentFilter('Patient', 'p1', type);
      if (filter.kind !== 'compartment') throw new Error('not a compartment filter');
      const linking = filter.params.filter((p) => p.code !== '_id');
      expect(linking.length, type).toBeGreaterThan(0);
      for (const param of linking) {
        expect(param.type, `${type}.${param.code}`).toBe('reference');
        expect(getSearchParameter(type, param.code)?.type, `${type}.${param.code}`).toBe('reference');
      }
    }
  });

  it('a type outside the compartment is NOT_FOUND, saying why', () => {
    const error = thrown(() => compartmentFilter('Patient', '123', 'Organization'));
    expect(error.errorName).toBe('NOT_FOUND');
    expect(error.message).toContain('Organization resources are not in the Patient compartment');
  });

  it('other compartments are NOT_FOUND: defined ones are unsupported, others unknown', () => {
    const encounter = thrown(() => compartmentFilter('Encounter', '1', 'Observation'));
    expect(encounter.errorName).toBe('NOT_FOUND');
    expect(encounter.message).toContain('the Encounter compartment is not supported');
    const unknown = thrown(() => compartmentFilter('Observation', '1', 'Observation'));
    expect(unknown.errorName).toBe('NOT_FOUND');
    expect(unknown.message).toContain('"Observation" is not a compartment');
    expect(thrown(() => compartmentFilter('patient', '1', 'Observation')).errorName).toBe('NOT_FOUND');
  });

  it('an unknown resource type is NOT_FOUND; a malformed id is INVALID_REQUEST', () => {
    expect(thrown(() => compartmentFilter('Patient', '1', 'Widget')).errorName).toBe('NOT_FOUND');
    const badId = thrown(() => compartmentFilter('Patient', "1'; DROP TABLE resources;--", 'Observation'));
    expect(badId.errorName).toBe('INVALID_REQUEST');
    expect(badId.message).toContain('not a valid Patient id');
  });
});
