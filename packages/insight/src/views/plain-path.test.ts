/**
 * The plain-path shortcut must give exactly what fhirpath.js gives, and must refuse what it cannot
 * read faithfully. Checked on small fixtures, and differentially on every element path of every
 * resource in the Synthea sample at ../shared/data/synthea-10 when it is there
 * (smart-on-fhir/sample-bulk-fhir-datasets, see its LICENSE).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileFhirPathEvaluator, elementPaths, fhirPathItemValues, getElement, isPrimitiveType } from '@kindred/fhir';
import { viewFunctions } from './functions.ts';
import { plainPath } from './plain-path.ts';

const SYNTHEA = fileURLToPath(new URL('../../../../../shared/data/synthea-10/', import.meta.url));
const functions = viewFunctions();

function viaFhirPathJs(path: string, resource: unknown): unknown[] {
  return fhirPathItemValues(compileFhirPathEvaluator(path, functions)(resource)).filter((value) => value !== null && value !== undefined);
}

function viaPlain(path: string, resource: { resourceType: string }): unknown[] | undefined {
  return plainPath(path, { type: resource.resourceType, prefix: '' })?.evaluate(resource);
}

const patient = {
  resourceType: 'Patient',
  id: 'p1',
  birthDate: '1970-06-01',
  _birthDate: { extension: [{ url: 'http://example.org/accuracy', valueString: 'estimated' }] },
  name: [{ given: [null, 'Ngozi'], _given: [{ extension: [{ url: 'http://example.org/x', valueString: 'y' }] }, null], family: 'Okafor' }, { given: ['Ade'] }],
  contact: [{ name: { family: 'Obi' }, telecom: [{ system: 'phone', value: '0111' }] }],
  managingOrganization: { reference: 'Organization/o1' },
  deceasedBoolean: false,
  extension: [
    { url: 'https://example.org/modality', valueCoding: { system: 'https://example.org/cs', code: 'video' } },
    { url: 'https://example.org/needs', extension: [{ url: 'easyRead', valueBoolean: true }, { url: 'carer', valueReference: { reference: 'RelatedPerson/r1' } }] },
    { url: 'https://example.org/route', valueCode: 'online' },
    { url: 'https://example.org/route', valueCode: 'phone' },
    { url: 'https://example.org/kinds', valueMarkdown: 'm' },
    { url: 'https://example.org/kinds', valueString: 's' },
    { url: 'https://example.org/kinds', valueId: 'i' },
    { url: 'https://example.org/kinds', valueUuid: 'urn:uuid:1' },
    { url: 'https://example.org/kinds', valueUrl: 'https://example.org' },
    { url: 'https://example.org/kinds', valuePositiveInt: 3 },
    { url: 'https://example.org/kinds', valueInteger: -1 },
    { url: 'https://example.org/kinds', valueAge: { value: 70, unit: 'a' } },
    { url: 'https://example.org/kinds', valueQuantity: { value: 2 } },
  ],
  generalPractitioner: [{ reference: 'https://example.org/fhir/Practitioner/gp1' }, { display: 'no reference' }],
};
const questionnaireResponse = {
  resourceType: 'QuestionnaireResponse',
  id: 'q1',
  status: 'completed',
  item: [{ linkId: '1', item: [{ linkId: '1.1', answer: [{ valueString: 'x' }] }] }],
};

describe('plainPath', () => {
  it('agrees with fhirpath.js on navigation, first(), exists(), empty() and the key functions', () => {
    const paths = [
      'id',
      'birthDate',
      'name.given',
      'name.given.first()',
      'name.family.first()',
      'name.given.exists()',
      'name.empty()',
      'contact.telecom.value',
      'contact.name.family',
      'telecom.exists()',
      'getResourceKey()',
      'managingOrganization.getReferenceKey()',
      'managingOrganization.getReferenceKey(Organization)',
      'managingOrganization.getReferenceKey(Patient)',
      'generalPractitioner.getReferenceKey(Practitioner)',
      'generalPractitioner.getReferenceKey(Practitioner).first()',
      'managingOrganization.getReferenceKey().exists()',
      'deceased.ofType(boolean)',
      "extension('https://example.org/modality').value.ofType(Coding).code.first()",
      "extension('https://example.org/needs').extension('easyRead').value.ofType(boolean).first()",
      "extension('https://example.org/needs').extension('carer').value.ofType(Reference).getReferenceKey(RelatedPerson)",
      "extension('https://example.org/route').value.ofType(code)",
      "extension('https://example.org/route').value.ofType(code).first()",
      "extension('https://example.org/none').value.ofType(code).exists()",
      "contact.extension('https://example.org/x').url",
      "extension('https://example.org/route').value.ofType(string)", // code is a string too
      "extension('https://example.org/kinds').value.ofType(string)",
      "extension('https://example.org/kinds').value.ofType(uri)",
      "extension('https://example.org/kinds').value.ofType(integer)",
      "extension('https://example.org/kinds').value.ofType(Quantity).value",
    ];
    for (const path of paths) {
      expect(viaPlain(path, patient), path).toEqual(viaFhirPathJs(path, patient));
    }
    expect(viaPlain('item.item.linkId', questionnaireResponse)).toEqual(['1.1']);
  });

  it('agrees with fhirpath.js on where(a = \'x\' and …) and a = \'x\', extension-only values included', () => {
    const appointments = [
      {
        resourceType: 'Appointment',
        status: 'noshow',
        serviceType: [{ coding: [{ system: 's', code: 'video' }, { system: 't', code: 'phone' }, { system: 's', _code: { id: 'x' } }] }],
        participant: [{ status: 'accepted', actor: { reference: 'Patient/p1' } }, { status: 'declined', actor: { reference: 'Practitioner/d1' } }],
      },
      { resourceType: 'Appointment', _status: { extension: [{ url: 'https://example.org/x', valueString: 'y' }] }, participant: [] },
      { resourceType: 'Appointment', status: 'booked' },
    ];
    const paths = [
      "status = 'noshow'",
      "status = 'booked'",
      'status.exists()',
      "serviceType.coding.where(system = 's').code.first()",
      "serviceType.coding.where(system = 's').code",
      "serviceType.coding.where(system = 's' and code = 'video').exists()",
      "serviceType.coding.where(code = 'phone').system",
      "serviceType.coding.code = 'video'",
      "participant.where(status = 'accepted').actor.getReferenceKey(Patient).first()",
      "participant.status = 'accepted'",
    ];
    for (const path of paths) {
      for (const appointment of appointments) expect(viaPlain(path, appointment), path).toEqual(viaFhirPathJs(path, appointment));
    }
  });

  it('refuses what it cannot read faithfully, which then goes to fhirpath.js', () => {
    const refused = [
      'deceased', // a choice type: the JSON holds deceasedBoolean
      'deceased.ofType(string)', // not one of its types
      "extension('a').value.ofType(Element)",
      'birthDate.extension(\'https://example.org/x\')', // a primitive's extensions are in _birthDate
      'Patient.name', // a type name first
      'name[0].family',
      'name.family.join()',
      'contained.id', // a resource inside a resource
      'nosuchelement',
      'birthDate.year', // nothing below a primitive
      "name.where(use = 'official').given.join()",
      'name.getReferenceKey()', // not a Reference
      "name.where(given = 'Ada')", // given repeats
      "name.where(use = 'official' or family = 'x')",
      "name.where(family = 'it''s')",
      "gender != 'male'",
      "name.given = 'Ada'", // given repeats
      "active = 'true'", // not a string
      'managingOrganization.getReferenceKey(NotAType)',
      '%rowIndex',
    ];
    for (const path of refused) expect(plainPath(path, { type: 'Patient', prefix: '' }), path).toBeUndefined();
    expect(plainPath('id', undefined)).toBeUndefined();
  });
});

const syntheaFiles = existsSync(SYNTHEA) ? readdirSync(SYNTHEA).filter((name) => name.endsWith('.ndjson')) : [];

describe('plainPath against fhirpath.js on Synthea resources', () => {
  if (syntheaFiles.length === 0) {
    it.skip('skipped: ../shared/data/synthea-10 is absent', () => undefined);
    return;
  }
  for (const file of syntheaFiles) {
    it(`every plain element path of ${file}`, () => {
      const resources = readFileSync(join(SYNTHEA, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .slice(0, 40)
        .map((line) => JSON.parse(line) as { resourceType: string });
      const type = resources[0]?.resourceType;
      if (type === undefined) return;
      const paths = elementPaths(type).flatMap((path) => {
        const element = getElement(type, path);
        return element?.choice === true ? element.types.map((choice) => `${path}.ofType(${choice})`) : [path];
      });
      // Each single-valued string element compared with a value one of the resources has.
      for (const path of elementPaths(type)) {
        const element = getElement(type, path);
        if (element?.max !== 1 || path.includes('.')) continue;
        const value = resources.map((resource) => (resource as Record<string, unknown>)[path]).find((found) => typeof found === 'string' && !found.includes("'"));
        if (typeof value === 'string') paths.push(`${path} = '${value}'`);
      }
      // Each extension the resources carry, read as its value's type.
      for (const resource of resources) {
        for (const extension of (resource as { extension?: Record<string, unknown>[] }).extension ?? []) {
          const key = Object.keys(extension).find((name) => name.startsWith('value'));
          if (key === undefined || typeof extension.url !== 'string') continue;
          const code = key.slice(5);
          const lower = code.charAt(0).toLowerCase() + code.slice(1);
          paths.push(`extension('${extension.url}').value.ofType(${isPrimitiveType(lower) ? lower : code})`);
        }
      }
      let compared = 0;
      for (const path of paths) {
        for (const expression of [path, `${path}.first()`]) {
          if (plainPath(expression, { type, prefix: '' }) === undefined) continue;
          for (const resource of resources) {
            expect(viaPlain(expression, resource), `${type}: ${expression}`).toEqual(viaFhirPathJs(expression, resource));
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
