/**
 * sampleQueries must name data that generateArea really produces for the same seed and size. Each
 * search is evaluated here by a small matcher written for that one search over the full stream
 * (not a FHIR search engine: just enough to prove the values exist and the counts are right).
 */
import { describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { referencesIn, stringAt } from './area-test-support.ts';
import { generateArea } from './generate-area.ts';
import { AREA_QUERY_NAMES, sampleQueries, type AreaQuery, type AreaQueryName } from './sample-queries.ts';

const SEED = 21;
const SIZE = 40_000;

function param(query: AreaQuery, name: string): string[] {
  return query.params.filter(([n]) => n === name).map(([, v]) => v);
}

/** [from, to) of a query's `date=ge…&date=lt…` pair, in epoch ms. */
function dateRange(query: AreaQuery): [number, number] {
  const values = param(query, 'date');
  const ge = values.find((v) => v.startsWith('ge'))?.slice(2) ?? '';
  const lt = values.find((v) => v.startsWith('lt'))?.slice(2) ?? '';
  return [Date.parse(ge), Date.parse(lt)];
}

const key = (r: Resource) => `${r.resourceType}/${r.id ?? ''}`;
const codeOf = (r: Resource) => stringAt(r, 'code', 'coding', 0, 'code');
const tokenCode = (value: string) => value.split('|')[1] ?? value;

describe('sampleQueries', () => {
  const samples = sampleQueries(SEED, SIZE);
  const resources = [...generateArea({ resources: SIZE, seed: SEED })];
  const byKey = new Map(resources.map((r) => [key(r), r]));
  const q = (name: AreaQueryName) => samples.queries[name];

  it('gives all ten searches, each with a ready query string', () => {
    expect(Object.keys(samples.queries).sort()).toEqual([...AREA_QUERY_NAMES].sort());
    for (const query of Object.values(samples.queries)) {
      expect(query.query.startsWith(`${query.resourceType}?`)).toBe(true);
      expect(query.expectAtLeast).toBeGreaterThan(0);
      for (const id of query.expectMatches) expect(byKey.has(id), `${query.name}: ${id}`).toBe(true);
    }
  });

  it('is deterministic', () => {
    expect(sampleQueries(SEED, SIZE)).toEqual(samples);
  });

  it('names a patient that exists, by name and by NHS number', () => {
    const byName = q('patient-by-name');
    const family = param(byName, 'family')[0];
    const given = param(byName, 'given')[0] ?? '';
    const named = resources.filter((r) => r.resourceType === 'Patient' && stringAt(r, 'name', 0, 'family') === family && (r.name as { given?: string[] }[])[0]?.given?.includes(given));
    expect(named.map(key)).toEqual(expect.arrayContaining([...byName.expectMatches]));

    const [system, value] = (param(q('patient-by-identifier'), 'identifier')[0] ?? '').split('|');
    const identified = resources.filter((r) => r.resourceType === 'Patient' && (r.identifier as { system?: string; value?: string }[]).some((i) => i.system === system && i.value === value));
    expect(identified.map(key)).toEqual([`Patient/${samples.patient.id}`]);
  });

  it('counts a patient\'s observations of one code in a date range exactly', () => {
    const query = q('observations-by-patient-code-date');
    const subject = param(query, 'subject')[0];
    const code = tokenCode(param(query, 'code')[0] ?? '');
    const [from, to] = dateRange(query);
    const matches = resources.filter((r) => {
      if (r.resourceType !== 'Observation' || stringAt(r, 'subject', 'reference') !== subject || codeOf(r) !== code) return false;
      const at = Date.parse(stringAt(r, 'effectiveDateTime') ?? '');
      return at >= from && at < to;
    });
    expect(matches.length).toBe(query.expectTotal);
    expect(matches.map(key).sort()).toEqual([...query.expectMatches].sort());
  });

  it('finds encounters of a class in a week', () => {
    const query = q('encounters-by-date-class');
    const classCode = tokenCode(param(query, 'class')[0] ?? '');
    const [from, to] = dateRange(query);
    const matches = resources.filter((r) => r.resourceType === 'Encounter' && stringAt(r, 'class', 'code') === classCode
      && Date.parse(stringAt(r, 'period', 'start') ?? '') < to && Date.parse(stringAt(r, 'period', 'end') ?? stringAt(r, 'period', 'start') ?? '') >= from);
    expect(matches.length).toBeGreaterThanOrEqual(query.expectAtLeast);
    expect(matches.map(key)).toEqual(expect.arrayContaining([...query.expectMatches]));
  });

  it('names what _include and _revinclude must bring back', () => {
    const include = q('include');
    const patient = param(include, 'subject')[0];
    const encounters = resources.filter((r) => r.resourceType === 'Encounter' && stringAt(r, 'subject', 'reference') === patient);
    expect(encounters.length).toBe(include.expectTotal);
    expect(new Set(encounters.map((e) => stringAt(e, 'serviceProvider', 'reference')))).toEqual(new Set(include.expectIncluded));

    const revinclude = q('revinclude');
    const id = param(revinclude, '_id')[0];
    const reverse = resources.filter((r) => r.resourceType === 'Encounter' && stringAt(r, 'subject', 'reference') === `Patient/${id ?? ''}`);
    expect(reverse.map(key).sort()).toEqual([...(revinclude.expectIncluded ?? [])].sort());
  });

  it('gives a chained search whose count is exact', () => {
    const query = q('chained');
    const [system, value] = (param(query, 'patient.identifier')[0] ?? '').split('|');
    const patient = resources.find((r) => r.resourceType === 'Patient' && (r.identifier as { system?: string; value?: string }[]).some((i) => i.system === system && i.value === value));
    expect(patient).toBeDefined();
    const code = tokenCode(param(query, 'code')[0] ?? '');
    const matches = resources.filter((r) => r.resourceType === 'Observation' && stringAt(r, 'subject', 'reference') === `Patient/${patient?.id ?? ''}` && codeOf(r) === code);
    expect(matches.length).toBe(query.expectTotal);
  });

  it('gives a _has search that matches the patient', () => {
    const query = q('has');
    const code = tokenCode(query.params[0]?.[1] ?? '');
    const subjects = new Set(resources.filter((r) => r.resourceType === 'Condition' && codeOf(r) === code).map((r) => stringAt(r, 'subject', 'reference')));
    expect(subjects.size).toBeGreaterThanOrEqual(query.expectAtLeast);
    for (const id of query.expectMatches) expect(subjects.has(id)).toBe(true);
  });

  it('gives a sorted, paged search with its total and newest result', () => {
    const query = q('sort-and-page');
    const subject = param(query, 'subject')[0];
    const observations = resources.filter((r) => r.resourceType === 'Observation' && stringAt(r, 'subject', 'reference') === subject);
    expect(observations.length).toBe(query.expectTotal);
    expect(query.expectTotal ?? 0).toBeGreaterThan(query.pageSize ?? 0);
    const newest = Math.max(...observations.map((o) => Date.parse(stringAt(o, 'effectiveDateTime') ?? '')));
    expect(Date.parse(query.expectNewest ?? '')).toBe(newest);
  });

  it('gives a clinician\'s day list that holds the sample appointment', () => {
    const query = q('appointments-by-practitioner-date');
    const practitioner = param(query, 'practitioner')[0] ?? '';
    const [from, to] = dateRange(query);
    const matches = resources.filter((r) => r.resourceType === 'Appointment' && referencesIn(r.participant).includes(practitioner)
      && Date.parse(stringAt(r, 'start') ?? '') < to && Date.parse(stringAt(r, 'end') ?? '') >= from);
    expect(matches.map(key)).toEqual(expect.arrayContaining([...query.expectMatches]));
  });

  it('refuses an area too small to be sure of a patient', () => {
    expect(() => sampleQueries(1, 50)).toThrow(/too small/);
  });

  it('works at benchmark sizes without generating the area', () => {
    const started = performance.now();
    const large = sampleQueries(SEED, 1_000_000);
    expect(Object.keys(large.queries)).toHaveLength(10);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
