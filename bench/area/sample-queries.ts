/**
 * Concrete values for the ten benchmark searches, guaranteed to match data that generateArea
 * produces for the same seed and size. Computed by regenerating a few patients' records from the
 * same pure functions (never by reading files or generating the whole area), and only from
 * patients the stream is certain to contain (AreaPlan.guaranteedPatients).
 */
import type { Resource } from '@kindred/fhir';
import { planArea, type AreaPlan } from './area-plan.ts';
import { patientProfile } from './patient-profile.ts';
import { patientRecord } from './patient-record.ts';
import { hash32 } from './seeded-random.ts';
import { IdentifierSystem, System } from './terminology.ts';
import { DAY_MS, formatUtcInstant, utcDayStart } from './uk-time.ts';

export const AREA_QUERY_NAMES = [
  'patient-by-name', 'patient-by-identifier', 'observations-by-patient-code-date', 'encounters-by-date-class', 'include',
  'revinclude', 'chained', 'has', 'sort-and-page', 'appointments-by-practitioner-date',
] as const;
export type AreaQueryName = (typeof AREA_QUERY_NAMES)[number];

export interface AreaQuery {
  name: AreaQueryName;
  description: string;
  resourceType: string;
  /** search parameters as name/value pairs, values not encoded */
  params: readonly (readonly [string, string])[];
  /** "Type?name=value&…" with values percent-encoded, ready to append to a FHIR base url */
  query: string;
  /** "Type/id" of resources that must be among the matches */
  expectMatches: readonly string[];
  /** the exact number of matches, when one patient's record decides it */
  expectTotal?: number;
  /** a lower bound on the number of matches (population-wide searches) */
  expectAtLeast: number;
  /** "Type/id" of resources that _include/_revinclude must add */
  expectIncluded?: readonly string[];
  pageSize?: number;
  /** effectiveDateTime of the first result of a `_sort=-date` search */
  expectNewest?: string;
}

export interface AreaSampleQueries {
  seed: number;
  resources: number;
  patient: { id: string; family: string; given: string; nhsNumber: string; hospitalNumber: string };
  queries: Readonly<Record<AreaQueryName, AreaQuery>>;
}

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const refOf = (resource: Resource, field: string): string | undefined => text(asRecord(resource[field])?.reference);
const firstCode = (concept: unknown): string | undefined => text(asRecord(asArray(asRecord(concept)?.coding)[0])?.code);

function buildQuery(query: Omit<AreaQuery, 'query'>): AreaQuery {
  const encoded = query.params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return { ...query, query: `${query.resourceType}?${encoded}` };
}

interface Candidate {
  index: number;
  record: Resource[];
  observations: Resource[];
  encounters: Resource[];
}

function candidate(plan: AreaPlan, index: number): Candidate {
  const record = [...patientRecord(plan, index)];
  return { index, record, observations: record.filter((r) => r.resourceType === 'Observation'), encounters: record.filter((r) => r.resourceType === 'Encounter') };
}

/** The most frequent code among a patient's observations, with those observations in time order. */
function commonestCode(observations: readonly Resource[]): { code: string; items: { resource: Resource; ms: number }[] } | undefined {
  const byCode = new Map<string, { resource: Resource; ms: number }[]>();
  for (const resource of observations) {
    const code = firstCode(resource.code);
    const ms = Date.parse(text(resource.effectiveDateTime) ?? '');
    if (code === undefined || Number.isNaN(ms)) continue;
    byCode.set(code, [...(byCode.get(code) ?? []), { resource, ms }]);
  }
  let best: { code: string; items: { resource: Resource; ms: number }[] } | undefined;
  for (const [code, items] of byCode) if (!best || items.length > best.items.length) best = { code, items };
  return best && { code: best.code, items: [...best.items].sort((a, b) => a.ms - b.ms) };
}

/**
 * Search values for an area of `totalResources` with `seed` (and history `start`, if the area was
 * generated with one). Throws when the area is too small to be sure of even one patient.
 */
export function sampleQueries(seed: number, totalResources: number, start?: Date): AreaSampleQueries {
  const plan = planArea({ resources: totalResources, seed, ...(start ? { start } : {}) });
  if (plan.guaranteedPatients < 1) throw new Error(`an area of ${totalResources} resources is too small for sample queries; ask for at least ${plan.infrastructureCount + 1100}`);
  // Look at a few patients in a seed-dependent order; keep the first that suits every search and
  // the one with the most observations for paging.
  const scan = Math.min(plan.guaranteedPatients, 60);
  const offset = hash32(plan.seed, 0x5151) % plan.guaranteedPatients;
  let chosen: Candidate | undefined;
  let busiest: Candidate | undefined;
  for (let i = 0; i < scan; i++) {
    const c = candidate(plan, (offset + i) % plan.guaranteedPatients);
    if (!busiest || c.observations.length > busiest.observations.length) busiest = c;
    const suitable = (commonestCode(c.observations)?.items.length ?? 0) >= 3 && c.encounters.some((e) => asRecord(e.class)?.code === 'AMB')
      && c.record.some((r) => r.resourceType === 'Appointment') && c.record.some((r) => r.resourceType === 'Condition');
    if (suitable && !chosen) chosen = c;
    if (chosen && busiest.observations.length >= 60) break;
  }
  const main = chosen ?? busiest;
  if (!main || !busiest) throw new Error('no patients to sample');
  const profile = patientProfile(plan, main.index);
  const patientRef = `Patient/${profile.id}`;
  const given = profile.name.given[0] ?? '';
  const nhs = `${IdentifierSystem.nhsNumber}|${profile.nhsNumber}`;
  const common = commonestCode(main.observations);
  const idOf = (r: Resource) => `${r.resourceType}/${r.id ?? ''}`;

  const queries: Partial<Record<AreaQueryName, AreaQuery>> = {};
  const add = (query: Omit<AreaQuery, 'query'>) => {
    queries[query.name] = buildQuery(query);
  };
  add({ name: 'patient-by-name', description: 'Patients by family and given name', resourceType: 'Patient', params: [['family', profile.name.family], ['given', given]], expectMatches: [patientRef], expectAtLeast: 1 });
  add({ name: 'patient-by-identifier', description: 'Patient by NHS number', resourceType: 'Patient', params: [['identifier', nhs]], expectMatches: [patientRef], expectTotal: 1, expectAtLeast: 1 });

  if (common) {
    // From the first reading's day to the day after the middle reading: about half of them.
    const from = utcDayStart(common.items[0]?.ms ?? 0);
    const to = utcDayStart(common.items[Math.floor((common.items.length - 1) / 2)]?.ms ?? 0) + DAY_MS;
    const inRange = common.items.filter((item) => item.ms >= from && item.ms < to);
    add({
      name: 'observations-by-patient-code-date', description: 'A patient\'s observations of one LOINC code in a date range', resourceType: 'Observation',
      params: [['subject', patientRef], ['code', `${System.loinc}|${common.code}`], ['date', `ge${formatUtcInstant(from)}`], ['date', `lt${formatUtcInstant(to)}`]],
      expectMatches: inRange.map((item) => idOf(item.resource)), expectTotal: inRange.length, expectAtLeast: inRange.length,
    });
    add({
      name: 'chained', description: 'Observations of one code for the patient with an NHS number (chained search)', resourceType: 'Observation',
      params: [['patient.identifier', nhs], ['code', `${System.loinc}|${common.code}`]],
      expectMatches: common.items.map((item) => idOf(item.resource)), expectTotal: common.items.length, expectAtLeast: common.items.length,
    });
  }

  const ambulatory = main.encounters.find((e) => asRecord(e.class)?.code === 'AMB') ?? main.encounters[0];
  if (ambulatory) {
    const classCode = text(asRecord(ambulatory.class)?.code) ?? 'AMB';
    const day = utcDayStart(Date.parse(text(asRecord(ambulatory.period)?.start) ?? ''));
    add({
      name: 'encounters-by-date-class', description: 'Encounters of one class in a week', resourceType: 'Encounter',
      params: [['date', `ge${formatUtcInstant(day - 3 * DAY_MS)}`], ['date', `lt${formatUtcInstant(day + 4 * DAY_MS)}`], ['class', `${System.actCode}|${classCode}`]],
      expectMatches: [idOf(ambulatory)], expectAtLeast: 1,
    });
  }
  const providers = [...new Set(main.encounters.flatMap((e) => refOf(e, 'serviceProvider') ?? []))];
  add({
    name: 'include', description: 'A patient\'s encounters with their service providers (_include)', resourceType: 'Encounter',
    params: [['subject', patientRef], ['_include', 'Encounter:service-provider']],
    expectMatches: main.encounters.map(idOf), expectTotal: main.encounters.length, expectAtLeast: main.encounters.length, expectIncluded: providers,
  });
  add({
    name: 'revinclude', description: 'A patient with all their encounters (_revinclude)', resourceType: 'Patient',
    params: [['_id', profile.id], ['_revinclude', 'Encounter:subject']],
    expectMatches: [patientRef], expectTotal: 1, expectAtLeast: 1, expectIncluded: main.encounters.map(idOf),
  });

  // A register-style search: prefer an active long-term condition over a resolved problem.
  const conditions = main.record.filter((r) => r.resourceType === 'Condition');
  const active = (r: Resource) => firstCode(r.clinicalStatus) === 'active';
  const condition = conditions.find((r) => active(r) && firstCode(asArray(r.category)[0]) === 'problem-list-item') ?? conditions.find(active) ?? conditions[0];
  const conditionCode = condition && firstCode(condition.code);
  if (conditionCode) {
    add({ name: 'has', description: 'Patients with a condition of one SNOMED CT code (_has)', resourceType: 'Patient', params: [['_has:Condition:patient:code', `${System.snomed}|${conditionCode}`]], expectMatches: [patientRef], expectAtLeast: 1 });
  }

  const pagedPatient = `Patient/${patientProfile(plan, busiest.index).id}`;
  const newest = [...busiest.observations].sort((a, b) => Date.parse(text(b.effectiveDateTime) ?? '') - Date.parse(text(a.effectiveDateTime) ?? ''))[0];
  add({
    name: 'sort-and-page', description: 'A patient\'s observations, newest first, 20 a page', resourceType: 'Observation',
    params: [['subject', pagedPatient], ['_sort', '-date'], ['_count', '20']],
    expectMatches: busiest.observations.map(idOf), expectTotal: busiest.observations.length, expectAtLeast: busiest.observations.length, pageSize: 20,
    ...(newest ? { expectNewest: text(newest.effectiveDateTime) ?? '' } : {}),
  });

  const appointment = main.record.find((r) => r.resourceType === 'Appointment' && asArray(r.participant).some((p) => text(asRecord(asRecord(p)?.actor)?.reference)?.startsWith('Practitioner/')));
  if (appointment) {
    const practitioner = asArray(appointment.participant).map((p) => text(asRecord(asRecord(p)?.actor)?.reference)).find((r) => r?.startsWith('Practitioner/')) ?? '';
    const day = utcDayStart(Date.parse(text(appointment.start) ?? ''));
    add({
      name: 'appointments-by-practitioner-date', description: 'A clinician\'s appointments on one day', resourceType: 'Appointment',
      params: [['practitioner', practitioner], ['date', `ge${formatUtcInstant(day)}`], ['date', `lt${formatUtcInstant(day + DAY_MS)}`]],
      expectMatches: [idOf(appointment)], expectAtLeast: 1,
    });
  }

  const missing = AREA_QUERY_NAMES.filter((name) => queries[name] === undefined);
  if (missing.length > 0) throw new Error(`no sample found for ${missing.join(', ')} among ${scan} patients`);
  return {
    seed: plan.seed, resources: plan.requested,
    patient: { id: profile.id, family: profile.name.family, given, nhsNumber: profile.nhsNumber, hospitalNumber: profile.hospitalNumber },
    // Every name was checked above, so the partial record is complete here.
    queries: queries as Record<AreaQueryName, AreaQuery>,
  };
}
