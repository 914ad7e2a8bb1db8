import { describe, expect, it } from 'vitest';
import { FhirError } from '../errors.ts';
import { errorsOf, expectOneError } from './expect-issues.ts';
import { assertValidResource, validateResource } from './validate-resource.ts';

const observation = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } };

describe('assertValidResource', () => {
  it('returns a valid resource unchanged', () => {
    const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Jones' }] };
    expect(assertValidResource(patient)).toBe(patient);
  });

  it.each([
    ['an array', []],
    ['a string', 'Patient'],
    ['null', null],
  ])('rejects %s as INVALID_REQUEST', (_, value) => {
    expect(() => assertValidResource(value)).toThrowError(expect.objectContaining({ errorName: 'INVALID_REQUEST', status: 400 }));
  });

  it('rejects an object without a string resourceType as INVALID_REQUEST', () => {
    expect(() => assertValidResource({ resourceType: 3 })).toThrowError(expect.objectContaining({ errorName: 'INVALID_REQUEST' }));
    expect(() => assertValidResource({ id: 'x' })).toThrowError(/resourceType/);
  });

  it('rejects an unknown resource type as UNPROCESSABLE, naming it', () => {
    const error = catchError(() => assertValidResource({ resourceType: 'Patinet' }));
    expect(error.errorName).toBe('UNPROCESSABLE');
    expect(error.message).toContain("'Patinet' is not a FHIR R4 resource type");
    expect(error.message).toContain("Did you mean 'Patient'?");
  });

  it('throws UNPROCESSABLE with every issue, summarising the first', () => {
    const error = catchError(() => assertValidResource({ resourceType: 'Observation', foo: 1 }));
    expect(error.status).toBe(422);
    expect(error.issues.map((i) => i.expression?.[0])).toEqual(['Observation.foo', 'Observation.status', 'Observation.code']);
    expect(error.message).toMatch(/^The Observation is not valid FHIR R4: Unknown element 'foo'.*\(and 2 more problems\)$/);
  });

  it('puts errors before warnings in the thrown issues', () => {
    const error = catchError(() => assertValidResource({ resourceType: 'Patient', name: [{ family: 'A\u0001' }], gender: 'mail' }));
    expect(error.issues.map((i) => i.severity)).toEqual(['error', 'warning']);
  });

  it('returns a resource that has only warnings', () => {
    const patient = { resourceType: 'Patient', name: [{ family: 'A\u0001' }] };
    expect(assertValidResource(patient)).toBe(patient);
  });

  it('stops reporting after 1000 issues, and says so', () => {
    const resource: Record<string, unknown> = { resourceType: 'Patient' };
    for (let i = 0; i < 50_000; i++) resource[`unknownElementNumber${i}`] = i;
    // the cap is what keeps this fast: composing all 50,000 messages is not done
    const issues = validateResource(resource);
    expect(issues).toHaveLength(1000);
    expect(issues[999]?.diagnostics).toContain('stopped reporting');
  });

  it('does not change its input', () => {
    const input = { resourceType: 'Patient', name: [{ given: ['A', null], _given: [null, { extension: [{ url: 'u', valueString: 'x' }] }] }], bogus: true };
    const copy = structuredClone(input);
    validateResource(input);
    expect(input).toEqual(copy);
  });
});

describe('elements must be known', () => {
  it('names the unknown element and the type', () => {
    expectOneError({ resourceType: 'Patient', favouriteColour: 'blue' }, 'Patient.favouriteColour', "'favouriteColour'", 'Patient has no element', 'extension');
  });
  it('suggests a near spelling', () => {
    expectOneError({ resourceType: 'Patient', birthdate: '2000-01-01' }, 'Patient.birthdate', "Did you mean 'birthDate'?");
  });
  it('names BackboneElement paths', () => {
    expectOneError({ resourceType: 'Patient', contact: [{ nickname: 'x' }] }, 'Patient.contact[0].nickname', 'Patient.contact has no element');
  });
  it('checks data types recursively', () => {
    expectOneError({ resourceType: 'Patient', name: [{ family: 'Jones', surname: 'x' }] }, 'Patient.name[0].surname', 'HumanName has no element');
  });
  it('does not allow resourceType inside an element', () => {
    expectOneError({ resourceType: 'Patient', name: [{ resourceType: 'HumanName', family: 'x' }] }, 'Patient.name[0].resourceType', 'only at the root of a resource');
  });
});

describe('JSON shape by cardinality (json.html)', () => {
  it('rejects an array for a single element', () => {
    expectOneError({ resourceType: 'Patient', gender: ['female'] }, 'Patient.gender', 'must be a single value, not an array');
  });
  it('rejects a single value for a repeating element', () => {
    expectOneError({ resourceType: 'Patient', name: { family: 'Jones' } }, 'Patient.name', 'must be a JSON array', 'even for a single value');
  });
  it('rejects an empty array', () => {
    expectOneError({ resourceType: 'Patient', identifier: [] }, 'Patient.identifier', 'empty array', 'leave the element out');
  });
  it('rejects a string where an object belongs', () => {
    expectOneError({ resourceType: 'Patient', maritalStatus: 'married' }, 'Patient.maritalStatus', 'must be a JSON object (CodeableConcept)', '"married"');
  });
  it('rejects null for an element', () => {
    expectOneError({ resourceType: 'Patient', gender: null }, 'Patient.gender', 'is null', 'leave the element out');
  });
  it('rejects null inside an array of complex values', () => {
    expectOneError({ resourceType: 'Patient', name: [{ family: 'A' }, null] }, 'Patient.name[1]', 'is null');
  });
});

describe('required elements', () => {
  it('reports Observation without status and code', () => {
    const errors = errorsOf({ resourceType: 'Observation' });
    expect(errors.map((e) => e.expression?.[0])).toEqual(['Observation.status', 'Observation.code']);
    expect(errors[0]?.diagnostics).toBe('Observation.status is required in Observation but is missing.');
    expect(errors.every((e) => e.code === 'required')).toBe(true);
  });
  it('reports required elements of BackboneElements', () => {
    expectOneError({ ...observation, component: [{ valueString: 'x' }] }, 'Observation.component[0].code', 'required in Observation.component');
  });
  it('reports required elements inside contentReference elements', () => {
    expectOneError({ resourceType: 'Parameters', parameter: [{ name: 'n', part: [{ valueString: 'x' }] }] }, 'Parameters.parameter[0].part[0].name', 'is required');
  });
  it('counts a primitive with only extensions as present', () => {
    const status = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] };
    expect(errorsOf({ resourceType: 'Observation', _status: status, code: { text: 'x' } })).toEqual([]);
  });
});

describe('choice elements (formats.html#choice)', () => {
  it('rejects a type suffix the element does not permit, listing the permitted ones', () => {
    expectOneError({ ...observation, valueAge: { value: 3 } }, 'Observation.valueAge', 'Age is not a permitted type for value[x]', 'valueQuantity', 'valueCodeableConcept');
  });
  it('rejects two variants of one choice', () => {
    expectOneError({ ...observation, valueString: 'a', valueBoolean: true }, 'Observation.valueBoolean', 'both valueString and valueBoolean', 'exactly one');
  });
  it('rejects the bare choice name', () => {
    expectOneError({ ...observation, value: 3 }, 'Observation.value', 'must name its type', 'valueQuantity');
  });
  it('checks the variant against its own type', () => {
    expectOneError({ ...observation, valueQuantity: { value: '3' } }, 'Observation.valueQuantity.value', 'must be a JSON number (decimal)');
  });
  it('treats a value and the extensions of another variant as two variants', () => {
    expectOneError({ ...observation, valueString: 'a', _valueBoolean: { id: 'b', extension: [{ url: 'u', valueString: 'x' }] } }, 'Observation._valueBoolean', 'both valueString and _valueBoolean');
  });
});

describe('empty objects (ele-1)', () => {
  it('rejects an empty object', () => {
    expectOneError({ resourceType: 'Patient', maritalStatus: {} }, 'Patient.maritalStatus', 'empty object', 'ele-1');
  });
  it('rejects an object holding only an id', () => {
    expectOneError({ resourceType: 'Patient', name: [{ id: 'n1' }] }, 'Patient.name[0]', 'ele-1');
  });
  it('accepts a resource with nothing but its type', () => {
    expect(errorsOf({ resourceType: 'Patient' })).toEqual([]);
  });
});

describe('resource ids and narrative', () => {
  it('checks the resource id against the id regex', () => {
    expectOneError({ resourceType: 'Patient', id: 'has space' }, 'Patient.id', 'not a valid id', '1 to 64 characters');
    expectOneError({ resourceType: 'Patient', id: 'x'.repeat(65) }, 'Patient.id', 'not a valid id');
  });
  it('allows element ids that are not resource ids', () => {
    expect(errorsOf({ resourceType: 'Patient', name: [{ id: 'name #1', family: 'x' }] })).toEqual([]);
  });
  it('requires the div to be an XHTML <div>', () => {
    expectOneError({ resourceType: 'Patient', text: { status: 'generated', div: '<p>hi</p>' } }, 'Patient.text.div', 'root element is a <div>');
    expectOneError({ resourceType: 'Patient', text: { status: 'generated', div: '<div>hi</div>' } }, 'Patient.text.div', 'XHTML namespace');
    expectOneError(
      { resourceType: 'Patient', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><script>x()</script></div>' } },
      'Patient.text.div',
      '<script>',
    );
  });
  it('does not allow extensions on the div', () => {
    const div = '<div xmlns="http://www.w3.org/1999/xhtml">hi</div>';
    expectOneError({ resourceType: 'Patient', text: { status: 'generated', div, _div: { id: 'x' } } }, 'Patient.text._div', 'cannot have extensions');
  });
});

function catchError(fn: () => unknown): FhirError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FhirError) return e;
    throw e;
  }
  throw new Error('expected a FhirError');
}
