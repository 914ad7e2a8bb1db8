/**
 * accessSamples must name what generateArea really produces: each patient, one of their
 * Observations, and a GP whose PractitionerRole is at the patient's own practice with the
 * clinician access role — so the access policy has to show that GP the whole record.
 */
import { describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { stringAt } from './area-test-support.ts';
import { accessSamples } from './access-samples.ts';
import { generateArea } from './generate-area.ts';

const SEED = 21;
const SIZE = 40_000;

describe('accessSamples', () => {
  const samples = accessSamples(SEED, SIZE);
  const byKey = new Map<string, Resource>([...generateArea({ resources: SIZE, seed: SEED })].map((r) => [`${r.resourceType}/${r.id ?? ''}`, r]));

  it('is a fixed sample of distinct patients for a seed and size', () => {
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.length).toBeLessThanOrEqual(50);
    expect(new Set(samples.map((s) => s.patient)).size).toBe(samples.length);
    expect(accessSamples(SEED, SIZE)).toEqual(samples);
    expect(accessSamples(SEED + 1, SIZE).map((s) => s.patient)).not.toEqual(samples.map((s) => s.patient));
    expect(accessSamples(SEED, SIZE, 3)).toEqual(samples.slice(0, 3));
  });

  it('names patients, their observations, and a clinician at their own practice', () => {
    for (const sample of samples) {
      const patient = byKey.get(`Patient/${sample.patient}`);
      expect(stringAt(patient, 'generalPractitioner', 0, 'reference')).toBe(`Organization/${sample.practice}`);
      expect(stringAt(byKey.get(`Observation/${sample.observation}`), 'subject', 'reference')).toBe(`Patient/${sample.patient}`);
      expect(byKey.has(`Practitioner/${sample.practitioner}`)).toBe(true);
      const role = byKey.get(`PractitionerRole/${sample.practitionerRole}`);
      expect(stringAt(role, 'practitioner', 'reference')).toBe(`Practitioner/${sample.practitioner}`);
      expect(stringAt(role, 'organization', 'reference')).toBe(`Organization/${sample.practice}`);
      expect(stringAt(role, 'code', 1, 'coding', 0, 'code')).toBe('clinician');
      expect([...byKey.values()].some((r) => r.resourceType === 'Encounter' && stringAt(r, 'subject', 'reference') === `Patient/${sample.patient}`)).toBe(true);
    }
  });
});
