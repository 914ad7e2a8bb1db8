/**
 * Behaviour of index extraction (http://hl7.org/fhir/R4/search.html), parameter type by parameter
 * type, on the hand-made fixtures of fhirpath-fixtures.ts, and a smoke run over the Synthea sample
 * (../shared/data/synthea-10: smart-on-fhir/sample-bulk-fhir-datasets, 10 patients, Apache-2.0).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../fhirpath/fhirpath-fixtures.ts';
import type { Resource } from '../types.ts';
import { extractIndexRows, indexExpressionFallbacks } from './extract-index.ts';
import { MAX_INSTANT, MIN_INSTANT, type IndexRows } from './index-rows.ts';

function fixture(id: string): Resource {
  const found = fixtures.find((resource) => resource.id === id);
  if (!found) throw new Error(`no fixture ${id}`);
  return found;
}

/** The rows of one list for one parameter, without the code. */
function rowsOf<K extends keyof IndexRows>(rows: IndexRows, list: K, code: string): Omit<IndexRows[K][number], 'code'>[] {
  return (rows[list] as IndexRows[K][number][]).filter((row) => row.code === code).map(({ code: _code, ...rest }) => rest);
}

const utc = Date.UTC;
const day = (y: number, m: number, d: number): { low: number; high: number } => ({ low: utc(y, m - 1, d), high: utc(y, m - 1, d + 1) - 1 });

describe('a Patient', () => {
  const rows = extractIndexRows(fixture('pat-1'));

  it('indexes each part of each name, and the whole name (search.html#string)', () => {
    expect(rowsOf(rows, 'strings', 'name')).toEqual([
      { value: 'mr', exact: 'Mr' },
      { value: 'peter', exact: 'Peter' },
      { value: 'james', exact: 'James' },
      { value: 'chalmers', exact: 'Chalmers' },
      { value: 'mr peter james chalmers', exact: 'Mr Peter James Chalmers' },
      { value: 'jim', exact: 'Jim' },
      { value: 'jim chalmers', exact: 'Jim Chalmers' },
      { value: 'zoe', exact: 'Zoë' },
      { value: 'angstrommuller', exact: 'Ångström-Müller' },
      { value: 'iii', exact: 'III' },
      { value: 'zoe angstrommuller iii', exact: 'Zoë Ångström-Müller III' },
    ]);
    expect(rowsOf(rows, 'strings', 'family')).toEqual([
      { value: 'chalmers', exact: 'Chalmers' },
      { value: 'angstrommuller', exact: 'Ångström-Müller' },
    ]);
    expect(rowsOf(rows, 'strings', 'given').map((row) => row.exact)).toEqual(['Peter', 'James', 'Jim', 'Zoë']);
  });

  it('indexes the birth date as the day it stands for (search.html#date)', () => {
    expect(rowsOf(rows, 'dates', 'birthdate')).toEqual([day(1974, 12, 25)]);
  });

  it('indexes identifiers as system|value, with type.text for :text (search.html#token)', () => {
    expect(rowsOf(rows, 'tokens', 'identifier')).toEqual([
      { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' },
      { system: null, value: 'no-system' },
      { system: 'http://example.org/only-system', value: null },
    ]);
    expect(rowsOf(rows, 'tokenTexts', 'identifier')).toEqual([{ value: 'nhs number' }]);
  });

  it('indexes codes and booleans without a system', () => {
    expect(rowsOf(rows, 'tokens', 'gender')).toEqual([{ system: null, value: 'male' }]);
    expect(rowsOf(rows, 'tokens', 'active')).toEqual([{ system: null, value: 'true' }]);
    expect(rowsOf(rows, 'tokens', 'deceased')).toEqual([{ system: null, value: 'false' }]);
    expect(rowsOf(extractIndexRows(fixture('pat-2')), 'tokens', 'deceased')).toEqual([{ system: null, value: 'true' }]);
  });

  it('indexes telecom by value only, as the token table says for ContactPoint, once per value', () => {
    expect(rowsOf(rows, 'tokens', 'telecom')).toEqual([
      { system: null, value: '(03) 5555 6473' },
      { system: null, value: 'p.chalmers@example.org' },
    ]);
    expect(rowsOf(rows, 'tokens', 'email')).toEqual([{ system: null, value: 'p.chalmers@example.org' }]);
    expect(rowsOf(rows, 'tokens', 'phone')).toEqual([{ system: null, value: '(03) 5555 6473' }]);
  });

  it('indexes the parts of each address', () => {
    expect(rowsOf(rows, 'strings', 'address').map((row) => row.exact)).toEqual([
      '534 Erewhon St',
      'Flat 2',
      'PleasantVille',
      'Rainbow',
      'Vic',
      '3999',
      'AU',
    ]);
    expect(rowsOf(rows, 'strings', 'address-city')).toEqual([{ value: 'pleasantville', exact: 'PleasantVille' }]);
    expect(rowsOf(rows, 'strings', 'address-postalcode')).toEqual([{ value: '3999', exact: '3999' }]);
    expect(rowsOf(rows, 'tokens', 'address-use')).toEqual([{ system: null, value: 'home' }]);
  });

  it('indexes relative, absolute and identifier references, but not contained or conditional ones (search.html#reference)', () => {
    expect(rowsOf(rows, 'references', 'general-practitioner')).toEqual([
      { targetType: 'Practitioner', targetId: 'pr-1', url: null },
      { targetType: 'Practitioner', targetId: 'pr-2', url: 'https://other.example.org/fhir/Practitioner/pr-2/_history/3' },
      { targetType: null, targetId: null, url: 'urn:uuid:7f6e8a3c-0a0e-4b0c-9f1a-3c3d5e6f7a8b' },
    ]);
    expect(rowsOf(rows, 'referenceIdentifiers', 'general-practitioner')).toEqual([{ system: 'http://hl7.org/fhir/sid/us-npi', value: '12345' }]);
    expect(rowsOf(rows, 'references', 'organization')).toEqual([]);
    expect(rowsOf(rows, 'references', 'link')).toEqual([{ targetType: 'RelatedPerson', targetId: 'rp-1', url: null }]);
  });

  it('indexes _tag, _security, _profile and _source, but not _id or _lastUpdated', () => {
    const withMeta = extractIndexRows({ ...fixture('pat-1'), meta: { ...fixture('pat-1').meta, versionId: '3', lastUpdated: '2024-01-01T00:00:00Z' } });
    expect(rowsOf(withMeta, 'tokens', '_tag')).toEqual([
      { system: 'http://example.org/tags', value: 'vip' },
      { system: null, value: 'no-system' },
    ]);
    expect(rowsOf(withMeta, 'tokenTexts', '_tag')).toEqual([{ value: 'very important' }]);
    expect(rowsOf(withMeta, 'tokens', '_security')).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', value: 'R' }]);
    expect(rowsOf(withMeta, 'uris', '_profile')).toEqual([
      { value: 'http://example.org/fhir/StructureDefinition/my-patient|2.0' },
      { value: 'http://example.org/fhir/StructureDefinition/other' },
    ]);
    expect(rowsOf(withMeta, 'uris', '_source')).toEqual([{ value: 'http://example.org/source#abc' }]);
    const codes = Object.values(withMeta).flatMap((list: { code: string }[]) => list.map((row) => row.code));
    expect(codes).not.toContain('_id');
    expect(codes).not.toContain('_lastUpdated');
  });
});

describe('an Observation', () => {
  const rows = extractIndexRows(fixture('obs-1'));

  it('indexes each coding of its code, and display and text for :text', () => {
    expect(rowsOf(rows, 'tokens', 'code')).toEqual([
      { system: 'http://loinc.org', value: '85354-9' },
      { system: 'http://snomed.info/sct', value: '75367002' },
    ]);
    expect(rowsOf(rows, 'tokenTexts', 'code')).toEqual([{ value: 'blood pressure panel' }, { value: 'blood pressure' }]);
  });

  it('indexes an absolute subject by url and by type and id, for subject and patient alike', () => {
    const row = { targetType: 'Patient', targetId: 'pat-1', url: 'https://example.org/fhir/Patient/pat-1' };
    expect(rowsOf(rows, 'references', 'subject')).toEqual([row]);
    expect(rowsOf(rows, 'references', 'patient')).toEqual([row]);
    expect(rowsOf(extractIndexRows(fixture('obs-2')), 'references', 'patient')).toEqual([]);
    expect(rowsOf(extractIndexRows(fixture('obs-2')), 'references', 'subject')).toEqual([{ targetType: 'Group', targetId: 'grp-1', url: null }]);
  });

  it('indexes a Period with an open end up to the largest instant', () => {
    expect(rowsOf(rows, 'dates', 'date')).toEqual([{ low: utc(2021, 2, 4, 10), high: MAX_INSTANT }]);
    expect(rowsOf(extractIndexRows(fixture('obs-4')), 'dates', 'value-date')).toEqual([{ low: MIN_INSTANT, high: utc(2020, 5, 2) - 1 }]);
  });

  it('indexes a Timing by its outer limits, and a partial date as its whole month', () => {
    expect(rowsOf(extractIndexRows(fixture('obs-2')), 'dates', 'date')).toEqual([{ low: utc(2019, 11, 1), high: utc(2021, 0, 1) - 1 }]);
    expect(rowsOf(extractIndexRows(fixture('obs-3')), 'dates', 'date')).toEqual([{ low: utc(2020, 4, 1), high: utc(2020, 5, 1) - 1 }]);
    expect(rowsOf(extractIndexRows(fixture('obs-4')), 'dates', 'date')).toEqual([{ low: utc(2020, 4, 1), high: utc(2020, 4, 1) }]);
  });

  it('indexes quantities by value, system and code, or unit where there is no code (search.html#quantity)', () => {
    expect(rowsOf(rows, 'quantities', 'value-quantity')).toEqual([{ value: 120.5, system: 'http://unitsofmeasure.org', unit: 'mm[Hg]' }]);
    expect(rowsOf(rows, 'quantities', 'component-value-quantity')).toEqual([
      { value: 120, system: null, unit: 'mmHg' },
      { value: 80, system: 'http://unitsofmeasure.org', unit: 'mm[Hg]' },
    ]);
    expect(rowsOf(rows, 'quantities', 'combo-value-quantity')).toHaveLength(3);
  });

  it('indexes performers given only by identifier for :identifier', () => {
    expect(rowsOf(rows, 'referenceIdentifiers', 'performer')).toEqual([{ system: 'http://example.org/staff', value: 'S-1' }]);
    expect(rowsOf(rows, 'references', 'performer')).toEqual([{ targetType: 'Practitioner', targetId: 'pr-1', url: null }]);
  });

  it('indexes value[x] only under the parameters for its type', () => {
    const valueString = extractIndexRows(fixture('obs-2'));
    expect(rowsOf(valueString, 'strings', 'value-string')).toEqual([{ value: 'positive', exact: 'Positive' }]);
    expect(rowsOf(valueString, 'quantities', 'value-quantity')).toEqual([]);
    const valueConcept = extractIndexRows(fixture('obs-3'));
    expect(rowsOf(valueConcept, 'tokens', 'value-concept')).toEqual([{ system: 'http://snomed.info/sct', value: '260385009' }]);
    expect(rowsOf(valueConcept, 'strings', 'value-string')).toEqual([{ value: 'negative', exact: 'Negative' }]);
  });
});

describe('an Encounter', () => {
  const rows = extractIndexRows(fixture('enc-1'));

  it('indexes its class, period, participants and length', () => {
    expect(rowsOf(rows, 'tokens', 'class')).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', value: 'AMB' }]);
    expect(rowsOf(rows, 'tokenTexts', 'class')).toEqual([{ value: 'ambulatory' }]);
    expect(rowsOf(rows, 'dates', 'date')).toEqual([{ low: utc(2021, 2, 4, 9), high: utc(2021, 2, 4, 10) + 999 }]);
    expect(rowsOf(rows, 'references', 'participant')).toEqual([
      { targetType: 'Practitioner', targetId: 'pr-1', url: null },
      { targetType: 'RelatedPerson', targetId: 'rp-1', url: null },
    ]);
    expect(rowsOf(rows, 'references', 'practitioner')).toEqual([{ targetType: 'Practitioner', targetId: 'pr-1', url: null }]);
    expect(rowsOf(rows, 'references', 'patient')).toEqual([{ targetType: 'Patient', targetId: 'pat-1', url: null }]);
    expect(rowsOf(rows, 'quantities', 'length')).toEqual([{ value: 60, system: 'http://unitsofmeasure.org', unit: 'min' }]);
    expect(rowsOf(rows, 'dates', 'location-period')).toEqual([{ low: utc(2021, 2, 4, 9), high: MAX_INSTANT }]);
  });
});

describe('other shapes', () => {
  it('indexes Money with its currency as an ISO 4217 unit, and numbers', () => {
    const chargeItem = extractIndexRows(fixture('ci-1'));
    expect(rowsOf(chargeItem, 'quantities', 'price-override')).toEqual([{ value: 40, system: 'urn:iso:std:iso:4217', unit: 'EUR' }]);
    expect(rowsOf(chargeItem, 'quantities', 'quantity')).toEqual([{ value: 1, system: null, unit: null }]);
    expect(rowsOf(chargeItem, 'numbers', 'factor-override')).toEqual([{ value: 0.8 }]);
    expect(rowsOf(chargeItem, 'dates', 'occurrence')).toEqual([{ low: MIN_INSTANT, high: utc(2017, 0, 25, 22, 55, 4) + 999 }]);
    const invoice = extractIndexRows(fixture('inv-1'));
    expect(rowsOf(invoice, 'quantities', 'totalnet')).toEqual([{ value: 40.22, system: 'urn:iso:std:iso:4217', unit: 'GBP' }]);
    expect(rowsOf(invoice, 'quantities', 'totalgross')).toEqual([{ value: 48.26, system: null, unit: null }]);
  });

  it('indexes canonicals by url without their version, and uris as written', () => {
    const rows = extractIndexRows(fixture('pd-1'));
    expect(rowsOf(rows, 'references', 'depends-on')).toEqual([
      { targetType: 'Library', targetId: 'dep', url: 'http://example.org/fhir/Library/dep' },
      { targetType: 'Library', targetId: 'lib', url: 'http://example.org/fhir/Library/lib' },
      { targetType: 'Library', targetId: 'other', url: 'http://example.org/fhir/Library/other' },
    ]);
    expect(rowsOf(rows, 'references', 'definition')).toEqual([
      { targetType: 'ActivityDefinition', targetId: 'ad-1', url: 'http://example.org/fhir/ActivityDefinition/ad-1' },
    ]);
    expect(rowsOf(rows, 'uris', 'url')).toEqual([{ value: 'http://example.org/fhir/PlanDefinition/pd-1' }]);
    expect(rowsOf(rows, 'tokens', 'context')).toEqual([{ system: 'http://snomed.info/sct', value: '1234' }]);
    // a Range has no single value for a quantity row: only the Quantity is indexed
    expect(rowsOf(rows, 'quantities', 'context-quantity')).toEqual([{ value: 3, system: null, unit: 'steps' }]);
    const conceptMap = extractIndexRows(fixture('cm-1'));
    expect(rowsOf(conceptMap, 'references', 'source-uri')).toEqual([{ targetType: 'ValueSet', targetId: 'source', url: 'http://example.org/fhir/ValueSet/source' }]);
    expect(rowsOf(conceptMap, 'references', 'target')).toEqual([{ targetType: 'ValueSet', targetId: 'target', url: 'http://example.org/fhir/ValueSet/target' }]);
    expect(rowsOf(conceptMap, 'references', 'source')).toEqual([]);
    const relative = extractIndexRows({ resourceType: 'PlanDefinition', status: 'draft', library: ['Library/local|2', '#contained'] });
    expect(rowsOf(relative, 'references', 'depends-on')).toEqual([{ targetType: 'Library', targetId: 'local', url: null }]);
  });

  it('indexes the items a Questionnaire parameter names, and Age as a quantity', () => {
    expect(rowsOf(extractIndexRows(fixture('q-1')), 'tokens', 'code')).toEqual([{ system: 'http://loinc.org', value: 'A' }]);
    const condition = extractIndexRows(fixture('cond-1'));
    expect(rowsOf(condition, 'quantities', 'onset-age')).toEqual([{ value: 52, system: 'http://unitsofmeasure.org', unit: 'a' }]);
    expect(rowsOf(condition, 'strings', 'abatement-string')).toEqual([{ value: 'in remission', exact: 'in remission' }]);
  });

  it('removes duplicate rows', () => {
    const substance = extractIndexRows(fixture('sub-1'));
    expect(rowsOf(substance, 'tokens', 'code')).toEqual([{ system: 'http://snomed.info/sct', value: '88480006' }]);
    const rows = extractIndexRows({
      resourceType: 'Patient',
      name: [{ family: 'Smith', given: ['Ann'] }, { family: 'SMITH', given: ['Ann'] }, { family: 'Smith' }],
      identifier: [{ system: 's', value: 'v' }, { system: 's', value: 'v', use: 'old' }],
    });
    expect(rowsOf(rows, 'strings', 'family')).toEqual([
      { value: 'smith', exact: 'Smith' },
      { value: 'smith', exact: 'SMITH' },
    ]);
    expect(rowsOf(rows, 'strings', 'given')).toEqual([{ value: 'ann', exact: 'Ann' }]);
    expect(rowsOf(rows, 'tokens', 'identifier')).toEqual([{ system: 's', value: 'v' }]);
    // many values of one parameter: 100 items carrying 50 different codes, each twice
    const item = Array.from({ length: 100 }, (_, i) => ({ linkId: String(i), type: 'string', code: [{ system: 'http://loinc.org', code: `C${i % 50}` }] }));
    const questionnaire = extractIndexRows({ resourceType: 'Questionnaire', status: 'draft', item });
    expect(rowsOf(questionnaire, 'tokens', 'code')).toEqual(Array.from({ length: 50 }, (_, i) => ({ system: 'http://loinc.org', value: `C${i}` })));
  });

  it('normalises case, accents, punctuation and spaces but keeps the exact text', () => {
    const rows = extractIndexRows({ resourceType: 'Organization', name: '  Hôpital   SAINT-Éloi ', alias: ['CAFÉ'] });
    expect(rowsOf(rows, 'strings', 'name')).toEqual([
      { value: 'hopital sainteloi', exact: '  Hôpital   SAINT-Éloi ' },
      { value: 'cafe', exact: 'CAFÉ' },
    ]);
  });

  it('gives no rows for elements a resource does not have', () => {
    const rows = extractIndexRows({ resourceType: 'Patient', id: 'empty' });
    const codes = Object.values(rows).flatMap((list: { code: string }[]) => list.map((row) => row.code));
    // only the computed "deceased" flag: a Patient without deceased[x] is not deceased
    expect(codes).toEqual(['deceased']);
    expect(rowsOf(rows, 'tokens', 'deceased')).toEqual([{ system: null, value: 'false' }]);
    expect(extractIndexRows({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }).quantities).toEqual([]);
    expect(extractIndexRows({ resourceType: 'NoSuchType' })).toEqual(extractIndexRows({ resourceType: 'AlsoNotAType' }));
    expect(Object.values(extractIndexRows({ resourceType: 'NoSuchType' })).every((list: unknown[]) => list.length === 0)).toBe(true);
  });

  it('gives no rows for primitives that carry only an extension', () => {
    expect(rowsOf(extractIndexRows(fixture('pat-2')), 'tokens', 'gender')).toEqual([]);
  });

  it('does not change the resource', () => {
    const resource = structuredClone(fixture('pat-1'));
    const before = JSON.stringify(resource);
    extractIndexRows(Object.freeze(resource));
    expect(JSON.stringify(resource)).toBe(before);
  });

  it('runs every expression compiled', () => {
    for (const resource of fixtures) expect(indexExpressionFallbacks(resource.resourceType)).toEqual([]);
  });
});

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const syntheaDir = resolve(repoRoot, '..', 'shared', 'data', 'synthea-10');
const syntheaFound = existsSync(syntheaDir);
if (!syntheaFound && process.env.KINDRED_REQUIRE_SHARED_DATA === '1') {
  throw new Error(`../shared/data/synthea-10 not found (looked at ${syntheaDir}); KINDRED_REQUIRE_SHARED_DATA=1, so this is a failure, not a skip`);
}

describe.skipIf(!syntheaFound)(
  syntheaFound ? 'extraction over the Synthea sample' : 'skipped: ../shared/data/synthea-10 not found (the shared test data sits beside the repository)',
  () => {
    const resources = syntheaFound
      ? readdirSync(syntheaDir)
          .filter((name) => name.endsWith('.ndjson') && name !== 'log.ndjson')
          .flatMap((name) => readFileSync(join(syntheaDir, name), 'utf8').split('\n'))
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Resource)
      : [];

    it('gives every Patient a birth date, a name and an identifier, and every clinical resource its patient', () => {
      for (const resource of resources) {
        const rows = extractIndexRows(resource);
        if (resource.resourceType === 'Patient') {
          expect(rowsOf(rows, 'dates', 'birthdate')).toHaveLength(1);
          expect(rowsOf(rows, 'strings', 'name').length).toBeGreaterThan(0);
          expect(rowsOf(rows, 'tokens', 'identifier').length).toBeGreaterThan(0);
        }
        if (['Condition', 'Encounter', 'Procedure', 'MedicationRequest', 'Immunization', 'DocumentReference'].includes(resource.resourceType)) {
          const [patient] = rowsOf(rows, 'references', 'patient');
          expect(patient?.targetType, `${resource.resourceType}/${resource.id ?? '?'}`).toBe('Patient');
        }
      }
    });
  },
);
