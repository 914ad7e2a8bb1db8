import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPlainObject, type Resource } from '../types.ts';
import { applyElements, applySummary, SUBSETTED_TAG } from './summary.ts';

/**
 * Synthea sample (smart-on-fhir/sample-bulk-fhir-datasets, Apache-2.0, synthetic people), read
 * from ../shared at the project root; see SOURCE.md and LICENSE there.
 */
const SYNTHEA = new URL('../../../../../shared/data/synthea-10/', import.meta.url);
const hasSynthea = existsSync(new URL('Patient.000.ndjson', SYNTHEA));

function firstResource(file: string): Resource {
  const [line = ''] = readFileSync(new URL(file, SYNTHEA), 'utf8').split('\n');
  return JSON.parse(line) as Resource;
}

const subsetted = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

/** A blood-pressure Observation in the shape of the R4 examples, with elements of every kind. */
function bloodPressure(): Resource {
  return {
    resourceType: 'Observation',
    id: 'blood-pressure',
    meta: { versionId: '2', lastUpdated: '2024-01-02T03:04:05Z', tag: [{ system: 'http://example.org/tags', code: 'audit' }] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">BP 107/60</div>' },
    extension: [{ url: 'http://example.org/ext', valueString: 'x' }],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    subject: { reference: 'Patient/example' },
    effectiveDateTime: '2012-09-17',
    _effectiveDateTime: { extension: [{ url: 'http://example.org/precision', valueCode: 'day' }] },
    interpretation: [{ text: 'normal' }],
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: 107, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
        interpretation: [{ text: 'normal' }],
      },
    ],
    notAnElement: true,
  };
}

describe('applySummary (search.html#summary)', () => {
  it('true keeps summary elements, recursing into backbone elements, and tags the result', () => {
    const input = bloodPressure();
    const before = structuredClone(input);
    const out = applySummary(input, 'true');
    expect(Object.keys(out).sort()).toEqual(
      ['resourceType', 'id', 'meta', 'status', 'code', 'subject', 'effectiveDateTime', '_effectiveDateTime', 'component'].sort(),
    );
    // component is summary, but component.interpretation is not
    expect(out.component).toEqual([
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: 107, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
    ]);
    expect(out.meta?.tag).toEqual([{ system: 'http://example.org/tags', code: 'audit' }, { ...subsetted, display: 'subsetted' }]);
    expect(out.meta?.versionId).toBe('2');
    expect(input).toEqual(before);
  });

  it('text keeps text, id, meta and the mandatory top-level elements', () => {
    const out = applySummary(bloodPressure(), 'text');
    expect(Object.keys(out).sort()).toEqual(['resourceType', 'id', 'meta', 'text', 'status', 'code'].sort());
    expect(out.meta?.tag).toContainEqual(expect.objectContaining(subsetted));
  });

  it('data removes only the text', () => {
    const input = bloodPressure();
    const out = applySummary(input, 'data');
    const { text: _text, meta: _meta, ...rest } = input;
    expect(out).toMatchObject(rest);
    expect(out.text).toBeUndefined();
    expect(out.notAnElement).toBe(true);
    expect(out.meta?.tag).toContainEqual(expect.objectContaining(subsetted));
  });

  it('false and count return the whole resource, untagged, as a new object', () => {
    const input = bloodPressure();
    for (const mode of ['false', 'count'] as const) {
      const out = applySummary(input, mode);
      expect(out).toEqual(input);
      expect(out).not.toBe(input);
      expect(out.meta).not.toBe(input.meta);
    }
  });

  it('does not add a second SUBSETTED tag, and adds meta when there is none', () => {
    const once = applySummary(bloodPressure(), 'data');
    const twice = applySummary(once, 'true');
    expect(twice.meta?.tag?.filter((t) => t.code === 'SUBSETTED')).toHaveLength(1);
    const bare = applySummary({ resourceType: 'Patient', id: 'p', gender: 'female' }, 'true');
    expect(bare).toEqual({ resourceType: 'Patient', id: 'p', gender: 'female', meta: { tag: [{ ...subsetted, display: 'subsetted' }] } });
  });

  it('returns a copy: changing the output leaves the input alone', () => {
    const input = bloodPressure();
    const before = structuredClone(input);
    const out = applySummary(input, 'true');
    const [component] = out.component as Record<string, unknown>[];
    if (component) component.code = 'changed';
    if (isPlainObject(out.subject)) out.subject.reference = 'Patient/other';
    out.meta?.tag?.push({ code: 'more' });
    expect(input).toEqual(before);
  });

  it('keeps only what resourceType, id and meta need for a type the model does not know', () => {
    const out = applySummary({ resourceType: 'Widget', id: 'w', colour: 'red' }, 'true');
    expect(out).toEqual({ resourceType: 'Widget', id: 'w', meta: { tag: [{ ...subsetted, display: 'subsetted' }] } });
  });
});

describe('hostile resources', () => {
  it('a "__proto__" or "constructor" key can neither change the copy’s prototype nor pass as an element', () => {
    const hostile = JSON.parse('{"resourceType":"Patient","id":"p","__proto__":{"polluted":true},"constructor":{"x":1},"gender":"male"}') as Resource;
    for (const mode of ['true', 'text', 'data'] as const) {
      const out = applySummary(hostile, mode);
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    }
    expect(Object.keys(applySummary(hostile, 'true'))).not.toContain('constructor');
    expect(Object.hasOwn(applySummary(hostile, 'data'), '__proto__')).toBe(true);
    expect(Object.keys(applyElements(hostile, ['gender'])).sort()).toEqual(['gender', 'id', 'meta', 'resourceType']);
  });
});

describe('applyElements (search.html#elements)', () => {
  it('keeps the listed elements plus resourceType, id, meta and mandatory ones', () => {
    const input = bloodPressure();
    const before = structuredClone(input);
    const out = applyElements(input, ['subject']);
    expect(Object.keys(out).sort()).toEqual(['resourceType', 'id', 'meta', 'status', 'code', 'subject'].sort());
    expect(out.meta?.tag).toContainEqual(expect.objectContaining(subsetted));
    expect(input).toEqual(before);
  });

  it('a base name keeps the choice element and its extension; a JSON name keeps that one', () => {
    expect(applyElements(bloodPressure(), ['effective'])).toMatchObject({ effectiveDateTime: '2012-09-17', _effectiveDateTime: {} });
    expect(Object.keys(applyElements(bloodPressure(), ['effectiveDateTime']))).toContain('_effectiveDateTime');
    expect(applyElements(bloodPressure(), ['effectivePeriod']).effectiveDateTime).toBeUndefined();
  });

  it('an empty list keeps only identity and mandatory elements', () => {
    expect(Object.keys(applyElements(bloodPressure(), [])).sort()).toEqual(['resourceType', 'id', 'meta', 'status', 'code'].sort());
  });
});

const syntheaTitle = hasSynthea
  ? 'summary and elements on Synthea resources (../shared/data/synthea-10)'
  : 'skipped: ../shared/data/synthea-10 not found (summary and elements on Synthea resources)';

describe.skipIf(!hasSynthea)(syntheaTitle, () => {
  it('Patient: _summary=true drops narrative, extensions and non-summary elements', () => {
    const patient = firstResource('Patient.000.ndjson');
    const before = structuredClone(patient);
    const out = applySummary(patient, 'true');
    expect(out.text).toBeUndefined();
    expect(out.extension).toBeUndefined();
    expect(out.maritalStatus).toBeUndefined();
    expect(out.communication).toBeUndefined();
    expect(out.multipleBirthBoolean ?? out.multipleBirthInteger).toBeUndefined();
    expect(out.name).toEqual(patient.name);
    expect(out.birthDate).toBe(patient.birthDate);
    expect(out.id).toBe(patient.id);
    expect(out.meta?.profile).toEqual(patient.meta?.profile);
    expect(out.meta?.tag).toContainEqual(expect.objectContaining(subsetted));
    expect(patient).toEqual(before);
  });

  it('Encounter: _summary=true keeps participant but drops its period (not a summary element)', () => {
    const encounter = firstResource('Encounter.000.ndjson');
    const out = applySummary(encounter, 'true') as { participant?: Record<string, unknown>[] };
    expect(out.participant?.[0]).toHaveProperty('individual');
    expect(out.participant?.[0]).toHaveProperty('type');
    expect(out.participant?.[0]).not.toHaveProperty('period');
    expect(Object.keys(applySummary(encounter, 'text')).sort()).toEqual(['resourceType', 'id', 'meta', 'status', 'class'].sort());
  });

  it('Condition: _elements=code keeps code, subject (mandatory) and identity', () => {
    const condition = firstResource('Condition.000.ndjson');
    const out = applyElements(condition, ['code']);
    expect(Object.keys(out).sort()).toEqual(['resourceType', 'id', 'meta', 'code', 'subject'].sort());
    expect(out.code).toEqual(condition.code);
  });
});

describe('SUBSETTED_TAG', () => {
  it('is the v3 ObservationValue code', () => {
    expect(SUBSETTED_TAG).toMatchObject(subsetted);
    expect(Object.isFrozen(SUBSETTED_TAG)).toBe(true);
  });
});
