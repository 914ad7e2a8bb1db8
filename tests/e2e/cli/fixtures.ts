/**
 * Small, hand-written FHIR R4 resources for CLI tests: patients with valid NHS numbers,
 * observations and encounters that refer to them, a transaction Bundle linked by `urn:uuid:`
 * fullUrls, and an ndjson file mixing good lines with every kind of bad one, each bad line's
 * number and reason known in advance. Everything is deterministic except where a test asks for
 * a fresh tag.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@kindred/fhir';
import { nhsNumberCheckDigit } from '../../../bench/area/index.ts';

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
/** A code system of these tests, so their resources can be found by tag or identifier. */
export const TEST_SYSTEM = 'https://kindred.example/e2e';

/** A valid NHS number (modulus 11) in the 999 range, which is never issued to a person. */
export function nhsNumber(n: number): string {
  for (let candidate = n; ; candidate++) {
    const nine = `999${String(candidate % 1_000_000).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== undefined) return `${nine}${check}`;
  }
}

/** The same number with its check digit changed: fails modulus 11. */
export function invalidNhsNumber(valid: string): string {
  return `${valid.slice(0, 9)}${(Number(valid[9]) + 1) % 10}`;
}

export function patient(id: string, n: number, family: string): Resource {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber(n) }],
    name: [{ use: 'official', family, given: ['Alex'] }],
    gender: n % 2 === 0 ? 'female' : 'male',
    birthDate: `19${String(40 + (n % 50)).padStart(2, '0')}-0${1 + (n % 9)}-1${n % 10}`,
  };
}

export function observation(id: string, patientId: string, value: number): Resource {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: '2024-03-01T09:30:00Z',
    valueQuantity: { value, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

export function condition(id: string, patientId: string): Resource {
  return {
    resourceType: 'Condition',
    id,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertensive disorder' }] },
    subject: { reference: `Patient/${patientId}` },
    recordedDate: '2024-02-10',
  };
}

export const ndjson = (resources: readonly unknown[]): string => resources.map((r) => `${JSON.stringify(r)}\n`).join('');

export function writeNdjson(dir: string, name: string, resources: readonly unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, ndjson(resources));
  return path;
}

/** A small record in Bulk Data layout: Patient.ndjson and Observation.ndjson. */
export function smallRecord(prefix: string): { patients: Resource[]; observations: Resource[] } {
  const patients = [0, 1, 2].map((i) => patient(`${prefix}-pat-${i}`, i + 1, ['Okafor', 'Nguyen', 'Evans'][i]!));
  const observations = [0, 1, 2, 3].map((i) => observation(`${prefix}-obs-${i}`, `${prefix}-pat-${i % 3}`, 60 + i));
  return { patients, observations };
}

/**
 * An ndjson file mixing good lines with bad ones. `bad` maps each bad line's number to a pattern
 * its reason must match; blank lines are skipped but still counted, as an editor counts them.
 */
export function mixedLines(): { text: string; good: Resource[]; bad: Map<number, RegExp> } {
  const good1 = patient('mixed-good-1', 11, 'Shah');
  const good2 = patient('mixed-good-2', 12, 'Kowalski');
  const good3 = observation('mixed-good-3', 'mixed-good-1', 72);
  const badNhs = patient('mixed-bad-nhs', 13, 'Byrne');
  const wrongNumber = invalidNhsNumber(nhsNumber(13));
  const lines: [string, RegExp | undefined][] = [
    [JSON.stringify(good1), undefined], // 1
    ['{"resourceType":"Patient","id":"broken",', /^not valid JSON/], // 2
    [JSON.stringify({ resourceType: 'Patient', id: 'mixed-bad-gender', gender: 'cat' }), /Patient\.gender 'cat' is not an allowed code/], // 3
    ['', undefined], // 4: blank, skipped
    [JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Noid' }] }), /no id/], // 5
    ['[1,2,3]', /must be a JSON object/], // 6
    [JSON.stringify(good2), undefined], // 7
    [JSON.stringify({ resourceType: 'Wizard', id: 'merlin' }), /'Wizard' is not a FHIR R4 resource type/], // 8
    [JSON.stringify({ ...badNhs, identifier: [{ system: NHS_NUMBER_SYSTEM, value: wrongNumber }] }), new RegExp(`'${wrongNumber}' is not a valid NHS number`)], // 9
    ['"just a string"', /must be a JSON object/], // 10
    [JSON.stringify(good3), undefined], // 11
    [JSON.stringify({ resourceType: 'Patient', id: 'mixed-bad-element', colour: 'blue' }), /Unknown element 'colour'/], // 12
  ];
  const bad = new Map<number, RegExp>();
  lines.forEach(([, reason], i) => {
    if (reason) bad.set(i + 1, reason);
  });
  return { text: lines.map(([line]) => `${line}\n`).join(''), good: [good1, good2, good3], bad };
}

/** uuids for urn:uuid: fullUrls; fixed so that the ids the import keeps are known. */
export const BUNDLE_UUIDS = {
  patient: '6b1f3a52-3c1e-4d7a-9c55-2f0a8e4d1b01',
  encounter: '6b1f3a52-3c1e-4d7a-9c55-2f0a8e4d1b02',
  observation: '6b1f3a52-3c1e-4d7a-9c55-2f0a8e4d1b03',
  condition: '6b1f3a52-3c1e-4d7a-9c55-2f0a8e4d1b04',
} as const;

/**
 * A transaction Bundle as another system would write it: entries identified by `urn:uuid:`
 * fullUrls (no ids), linked to each other by those urns; plus one entry with a server url as its
 * fullUrl and one whose resource carries its own id.
 */
export function transactionBundle(): Resource {
  const urn = (uuid: string): string => `urn:uuid:${uuid}`;
  const { id: _patientId, ...patientBody } = patient('ignored', 21, 'Adeyemi');
  const { id: _observationId, ...observationBody } = observation('ignored', 'ignored', 64);
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: urn(BUNDLE_UUIDS.patient), resource: patientBody, request: { method: 'POST', url: 'Patient' } },
      {
        fullUrl: urn(BUNDLE_UUIDS.encounter),
        resource: {
          resourceType: 'Encounter',
          status: 'finished',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
          subject: { reference: urn(BUNDLE_UUIDS.patient) },
          participant: [{ individual: { reference: 'Practitioner/bundle-gp' } }],
          diagnosis: [{ condition: { reference: urn(BUNDLE_UUIDS.condition) } }],
          period: { start: '2024-03-01T09:00:00Z', end: '2024-03-01T09:20:00Z' },
        },
        request: { method: 'POST', url: 'Encounter' },
      },
      {
        fullUrl: urn(BUNDLE_UUIDS.observation),
        resource: { ...observationBody, subject: { reference: urn(BUNDLE_UUIDS.patient) }, encounter: { reference: urn(BUNDLE_UUIDS.encounter) } },
        request: { method: 'POST', url: 'Observation' },
      },
      {
        fullUrl: urn(BUNDLE_UUIDS.condition),
        resource: { ...condition('bundle-condition', 'ignored'), subject: { reference: urn(BUNDLE_UUIDS.patient) }, encounter: { reference: urn(BUNDLE_UUIDS.encounter) } },
        request: { method: 'POST', url: 'Condition' },
      },
      {
        fullUrl: 'https://gp.example/fhir/Practitioner/bundle-gp',
        resource: { resourceType: 'Practitioner', name: [{ family: 'Morgan', prefix: ['Dr'] }] },
        request: { method: 'PUT', url: 'Practitioner/bundle-gp' },
      },
    ],
  };
}
