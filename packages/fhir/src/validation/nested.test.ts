import { describe, expect, it } from 'vitest';
import { errorsOf, expectOneError } from './expect-issues.ts';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const observation = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } };

describe('extensions (extensibility.html)', () => {
  it('reports only ele-1 for an empty extension object', () => {
    expectOneError({ resourceType: 'Patient', extension: [{}] }, 'Patient.extension[0]', 'empty object', 'ele-1');
  });
  it('requires a url', () => {
    expectOneError({ resourceType: 'Patient', extension: [{ valueString: 'x' }] }, 'Patient.extension[0].url', 'is required in Extension');
  });
  it('rejects an extension with neither a value nor nested extensions (ext-1)', () => {
    expectOneError({ resourceType: 'Patient', extension: [{ url: 'http://e.org/a' }] }, 'Patient.extension[0]', "'http://e.org/a'", 'neither a value nor nested extensions', 'ext-1');
  });
  it('rejects an extension with both (ext-1)', () => {
    const extension = { url: 'http://e.org/a', valueString: 'x', extension: [{ url: 'b', valueString: 'y' }] };
    expectOneError({ resourceType: 'Patient', extension: [extension] }, 'Patient.extension[0]', 'both a value and nested extensions');
  });
  it('checks nested extensions, with their full path', () => {
    const race = { url: 'http://e.org/race', extension: [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '' } }] };
    expectOneError({ resourceType: 'Patient', extension: [race] }, 'Patient.extension[0].extension[0].valueCoding.code', 'empty string');
  });
  it('rejects an unknown value type on an extension', () => {
    expectOneError({ resourceType: 'Patient', extension: [{ url: 'http://e.org/a', valueText: 'x' }] }, 'Patient.extension[0].valueText', 'Text is not a permitted type for value[x] in Extension');
  });
  it('checks modifierExtension too', () => {
    expectOneError({ resourceType: 'Patient', modifierExtension: [{ url: 'http://e.org/a', valueBoolean: 'yes' }] }, 'Patient.modifierExtension[0].valueBoolean', 'JSON boolean');
  });
});

describe('primitive extensions (json.html#primitive)', () => {
  const ext = { extension: [{ url: 'http://e.org/nickname', valueBoolean: true }] };

  it('rejects _given that does not line up with given', () => {
    const name = { given: ['Ann', 'Bea'], _given: [null, ext, ext] };
    expectOneError({ resourceType: 'Patient', name: [name] }, 'Patient.name[0]._given', '3 entries but given has 2 values', 'line up');
  });
  it('rejects null in given without an extension at that position', () => {
    expectOneError({ resourceType: 'Patient', name: [{ given: ['Ann', null], _given: [ext, null] }] }, 'Patient.name[0].given[1]', 'is null', '_given[1]');
  });
  it('rejects a single object where _given must be an array', () => {
    expectOneError({ resourceType: 'Patient', name: [{ given: ['Ann'], _given: ext }] }, 'Patient.name[0]._given', 'must be an array lined up with given');
  });
  it('rejects an array for the extensions of a single primitive', () => {
    expectOneError({ resourceType: 'Patient', birthDate: '2000-01-01', _birthDate: [ext] }, 'Patient._birthDate', 'must be a JSON object');
  });
  it('allows only id and extension in _name', () => {
    expectOneError({ resourceType: 'Patient', birthDate: '2000-01-01', _birthDate: { value: '2000-01-01' } }, 'Patient.birthDate.value', "Unknown element 'value'");
  });
  it('rejects an empty _name object (ele-1)', () => {
    expectOneError({ resourceType: 'Patient', birthDate: '2000-01-01', _birthDate: {} }, 'Patient.birthDate', 'empty object');
  });
  it('rejects an id alone in _name when there is no value (ele-1)', () => {
    expectOneError({ resourceType: 'Patient', _birthDate: { id: 'b1' } }, 'Patient.birthDate', 'ele-1');
    expectOneError({ resourceType: 'Patient', name: [{ given: [null], _given: [{ id: 'g1' }] }] }, 'Patient.name[0].given[0]', 'ele-1');
  });
  it('checks the extensions inside _name', () => {
    expectOneError({ resourceType: 'Patient', _birthDate: { extension: [{ url: 'http://e.org/a', valueDateTime: 'yesterday' }] } }, 'Patient.birthDate.extension[0].valueDateTime', 'not a valid dateTime');
  });
  it('rejects _name for a complex element', () => {
    expectOneError({ resourceType: 'Patient', _maritalStatus: ext }, 'Patient._maritalStatus', 'primitive values only', 'CodeableConcept');
  });
});

describe('complex types', () => {
  it('checks Coding inside CodeableConcept', () => {
    expectOneError({ ...observation, code: { coding: [{ system: 'http://loinc.org', code: '8867-4', userSelected: 'yes' }] } }, 'Observation.code.coding[0].userSelected', 'JSON boolean');
  });
  it('checks Reference and its Identifier', () => {
    expectOneError({ ...observation, subject: { identifier: { system: 'http://e.org', value: 3 } } }, 'Observation.subject.identifier.value', 'JSON string');
  });
  it('checks BackboneElements by path, e.g. Patient.contact.name', () => {
    expectOneError({ resourceType: 'Patient', contact: [{ name: [{ family: 'x' }] }] }, 'Patient.contact[0].name', 'single value, not an array');
  });
  it('follows contentReference, e.g. Questionnaire.item.item', () => {
    const q = { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'group', item: [{ linkId: '1.1.1', type: 'strnig' }] }] }] };
    expectOneError(q, 'Questionnaire.item[0].item[0].item[0].type', "'strnig' is not an allowed code", 'string');
  });
  it('checks data types inside Timing.repeat (an Element with children)', () => {
    const timing = { repeat: { frequency: 1, period: 1, periodUnit: 'fortnight' } };
    expectOneError({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', medicationCodeableConcept: { text: 'x' }, subject: { reference: 'Patient/1' }, dosageInstruction: [{ timing }] },
      'MedicationRequest.dosageInstruction[0].timing.repeat.periodUnit', "'fortnight'", 'wk');
  });
});

describe('required bindings (terminologies.html#required)', () => {
  it('rejects a code outside the value set, listing allowed codes', () => {
    const issue = expectOneError({ resourceType: 'Patient', gender: 'mail' }, 'Patient.gender', "'mail' is not an allowed code", 'male, female, other, unknown', 'administrative-gender');
    expect(issue.code).toBe('code-invalid');
  });
  it('suggests the code when only the case is wrong', () => {
    expectOneError({ resourceType: 'Patient', gender: 'Female' }, 'Patient.gender', "Did you mean 'female'?");
  });
  it('checks codes in repeating elements', () => {
    expectOneError({ resourceType: 'Questionnaire', status: 'draft', subjectType: ['Patient', 'Patients'] }, 'Questionnaire.subjectType[1]', "'Patients'");
  });
  it('checks codings from the value set own code system', () => {
    const clinicalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'current' }] };
    expectOneError({ resourceType: 'Condition', subject: { reference: 'Patient/1' }, clinicalStatus }, 'Condition.clinicalStatus.coding[0].code', "'current'", 'active, recurrence');
  });
  it('leaves codings from other systems alone (they may be translations)', () => {
    const clinicalStatus = { coding: [{ system: 'http://snomed.info/sct', code: '55561003' }] };
    expect(errorsOf({ resourceType: 'Condition', subject: { reference: 'Patient/1' }, clinicalStatus })).toEqual([]);
  });
  it('does not check value sets that were not expanded', () => {
    expect(errorsOf({ resourceType: 'Binary', contentType: 'application/x-anything' })).toEqual([]);
  });
});

describe('references (references.html)', () => {
  it('rejects a reference to a type the element does not allow', () => {
    expectOneError({ ...observation, subject: { reference: 'Practitioner/1' } }, 'Observation.subject.reference', 'may only refer to', 'Patient', 'refers to a Practitioner');
  });
  it('rejects a relative reference that names no resource type', () => {
    expectOneError({ ...observation, subject: { reference: 'Patients/1' } }, 'Observation.subject.reference', "'Patients' is not a FHIR R4 resource type");
  });
  it('checks absolute and conditional references, and Reference.type', () => {
    expectOneError({ ...observation, subject: { reference: 'https://fhir.example.org/r4/Medication/1' } }, 'Observation.subject.reference', 'refers to a Medication');
    expectOneError({ ...observation, subject: { reference: 'Practitioner?identifier=x|1' } }, 'Observation.subject.reference', 'refers to a Practitioner');
    expectOneError({ ...observation, subject: { type: 'Medication', display: 'x' } }, 'Observation.subject.type', 'Medication');
  });
  it('accepts references it cannot type: urn:uuid, contained and logical', () => {
    for (const subject of [{ reference: 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520' }, { reference: '#p1' }, { identifier: { value: '1' } }]) {
      expect(errorsOf({ ...observation, subject })).toEqual([]);
    }
  });
});

describe('contained resources (domainresource.html)', () => {
  it('validates contained resources as resources, with their path', () => {
    const contained = [{ resourceType: 'Patient', id: 'p1', gender: 'mail' }];
    expectOneError({ ...observation, contained, subject: { reference: '#p1' } }, 'Observation.contained[0].gender', "'mail'");
  });
  it('rejects contained resources that contain resources (dom-2)', () => {
    const contained = [{ resourceType: 'Patient', id: 'p1', contained: [{ resourceType: 'Organization', id: 'o1' }] }];
    expectOneError({ ...observation, contained }, 'Observation.contained[0].contained', 'dom-2');
  });
  it('rejects versions and security labels on contained resources (dom-4, dom-5)', () => {
    const contained = [{ resourceType: 'Patient', id: 'p1', meta: { versionId: '2', security: [{ code: 'R' }] } }];
    const errors = errorsOf({ ...observation, contained });
    expect(errors.map((e) => e.expression?.[0])).toEqual(['Observation.contained[0].meta', 'Observation.contained[0].meta.security']);
  });
  it('rejects a contained value without a resourceType, or of an unknown type', () => {
    expectOneError({ ...observation, contained: [{ id: 'p1' }] }, 'Observation.contained[0]', 'has no resourceType');
    expectOneError({ ...observation, contained: [{ resourceType: 'Nobody' }] }, 'Observation.contained[0].resourceType', "'Nobody' is not a FHIR R4 resource type");
  });
});

describe('resources inside Bundle and Parameters', () => {
  it('validates each Bundle entry resource', () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: observation }, { resource: { resourceType: 'Observation', status: 'done', code: { text: 'x' } } }] };
    expectOneError(bundle, 'Bundle.entry[1].resource.status', "'done'", 'final');
  });
  it('validates bundles inside bundles', () => {
    const inner = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', birthDate: 'soon' } }] };
    expectOneError({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: inner }] }, 'Bundle.entry[0].resource.entry[0].resource.birthDate', 'not a valid date');
  });
  it('validates Parameters resources, parts included', () => {
    const parameters = { resourceType: 'Parameters', parameter: [{ name: 'a', part: [{ name: 'b', resource: { resourceType: 'Patient', active: 1 } }] }] };
    expectOneError(parameters, 'Parameters.parameter[0].part[0].resource.active', 'JSON boolean');
  });
  it('stops at absurd nesting instead of overflowing the stack', () => {
    let item: Record<string, unknown> = { linkId: 'leaf', type: 'display' };
    for (let i = 0; i < 2000; i++) item = { linkId: String(i), type: 'group', item: [item] };
    const errors = errorsOf({ resourceType: 'Questionnaire', status: 'draft', item: [item] });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.diagnostics).toContain('nested more than 256 levels');
  });
});

describe('NHS numbers on Identifier', () => {
  const withNhsNumber = (value: string): Record<string, unknown> => ({ resourceType: 'Patient', identifier: [{ system: NHS, value }] });

  it.each(['9434765919', '9434765870'])('accepts %s', (value) => {
    expect(errorsOf(withNhsNumber(value))).toEqual([]);
  });
  it.each([
    ['9434765918', 'modulus 11'],
    ['943476591', 'exactly 10 digits'],
    ['94347659AB', 'digits only'],
    ['9434765030', 'check digit of 10'],
    ['943 476 5919', 'no spaces'],
  ])('rejects %s', (value, why) => {
    expectOneError(withNhsNumber(value), 'Patient.identifier[0].value', 'not a valid NHS number', why);
  });
  it('checks NHS numbers wherever an Identifier is, e.g. in a Reference', () => {
    expectOneError({ ...observation, subject: { identifier: { system: NHS, value: '1234567890' } } }, 'Observation.subject.identifier.value', 'NHS number');
  });
  it('leaves identifiers of other systems alone', () => {
    expect(errorsOf({ resourceType: 'Patient', identifier: [{ system: 'http://e.org/mrn', value: '123' }] })).toEqual([]);
  });
});
