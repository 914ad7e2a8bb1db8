import { describe, expect, it } from 'vitest';
import { validateResource } from './validate-resource.ts';

const div = '<div xmlns="http://www.w3.org/1999/xhtml"><p>Ann <b>Smith</b></p></div>';
const absent = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'asked-declined' }] };

/** Valid edge cases: each must give no issue at all, not even a warning. */
const cases: [string, Record<string, unknown>][] = [
  ['a primitive extension without a value', { resourceType: 'Patient', _gender: absent }],
  ['_birthDate alone', { resourceType: 'Patient', _birthDate: { id: 'bd', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '2000-01-01T08:30:00+00:00' }] } }],
  ['given and _given lined up with nulls', { resourceType: 'Patient', name: [{ given: ['Ann', null, 'Cy'], _given: [null, absent, { id: 'g3' }] }] }],
  ['_given without given', { resourceType: 'Patient', name: [{ family: 'Smith', _given: [absent] }] }],
  ['an extension on a choice value', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: 'high', _valueString: absent }],
  ['nested extensions', { resourceType: 'Patient', extension: [{ url: 'http://e.org/race', extension: [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3' } }, { url: 'text', valueString: 'White' }] }] }],
  ['extension values of many types', { resourceType: 'Patient', extension: [
    { url: 'http://e.org/a', valueAddress: { city: 'Leeds' } },
    { url: 'http://e.org/b', valueDecimal: 3.25 },
    { url: 'http://e.org/c', valueMeta: { versionId: '1' } },
    { url: 'http://e.org/d', valueDosage: { text: 'once a day' } },
    { url: 'http://e.org/e', valueInstant: '2024-01-01T00:00:00Z' },
  ] }],
  ['contained resources referenced from the container', {
    resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: '#p1' }, performer: [{ reference: '#o1' }],
    contained: [{ resourceType: 'Patient', id: 'p1', name: [{ text: 'Ann' }] }, { resourceType: 'Organization', id: 'o1', name: 'Leeds GP' }],
  }],
  ['Questionnaire with nested items and enableWhen', {
    resourceType: 'Questionnaire', status: 'active', subjectType: ['Patient'],
    item: [{ linkId: '1', text: 'About you', type: 'group', item: [
      { linkId: '1.1', text: 'Do you smoke?', type: 'boolean', required: true },
      { linkId: '1.2', text: 'How many a day?', type: 'integer', enableWhen: [{ question: '1.1', operator: '=', answerBoolean: true }], item: [{ linkId: '1.2.1', type: 'display', text: 'Roughly is fine' }] },
      { linkId: '1.3', type: 'choice', answerOption: [{ valueCoding: { system: 'http://snomed.info/sct', code: '77176002' } }, { valueString: 'Other' }] },
    ] }],
  }],
  ['QuestionnaireResponse answers with nested items', {
    resourceType: 'QuestionnaireResponse', status: 'completed',
    item: [{ linkId: '1', item: [{ linkId: '1.1', answer: [{ valueBoolean: true, item: [{ linkId: '1.1.1', answer: [{ valueInteger: 10 }] }] }] }] }],
  }],
  ['narrative and meta', { resourceType: 'Patient', id: 'A-1.b', meta: { versionId: '3', lastUpdated: '2024-05-01T10:11:12.123+01:00', profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient'] }, text: { status: 'generated', div } }],
  ['a valid NHS number', { resourceType: 'Patient', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }] }],
  ['a transaction Bundle', {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      { fullUrl: 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520', resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520' } }, request: { method: 'POST', url: 'Observation' } },
    ],
  }],
  ['Parameters with a resource and parts', { resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient' } }, { name: 'x', part: [{ name: 'y', valueInteger: 0 }] }] }],
  ['Condition with a required-bound CodeableConcept', { resourceType: 'Condition', subject: { reference: 'Patient/1' }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } }],
  ['an id-only extension object alongside a value', { resourceType: 'Patient', birthDate: '1990', _birthDate: { id: 'x', extension: absent.extension } }],
];

describe('valid resources', () => {
  it.each(cases)('accepts %s', (_, resource) => {
    expect(validateResource(resource)).toEqual([]);
  });
});
