/**
 * The searches the Synthea test runs, each beside the set of ids it must return, computed from
 * the ndjson files with the rules of expected-search.ts (never with Kindred's search code). The
 * data is the Synthea sample in ../shared/data/synthea-10 (Apache License 2.0).
 *
 * Query values are chosen from what the files hold (names, codes, identifiers of the sample); the
 * answers are never written by hand. A case whose answer is empty says so on purpose.
 */
import type { SearchParams } from 'fhir-kit-client';
import {
  OFFSET_EXTREMES,
  codingMatches,
  containsFolded,
  dateMatches,
  equalsExactly,
  humanNameParts,
  identifierMatches,
  literalTarget,
  periodRangeOf,
  splitPrefix,
  startsWithFolded,
  timeRangeOf,
} from './expected-search.ts';
import { objectsOf, resourcesOf, stringOf, stringsOf, type JsonObject, type SourceData, type SourceResource } from './source-files.ts';

export interface SearchCase {
  /** why this search is here, in a few words */
  why: string;
  type: string;
  params: SearchParams;
  /** the matching ids, sorted */
  expected: string[];
  /** set when the answer depends on an assumption the spec leaves to the server (then the case fails and says so) */
  ambiguity?: string;
  /** the answer is empty on purpose */
  emptyOnPurpose?: boolean;
}

const sorted = (ids: Iterable<string>): string[] => [...new Set(ids)].sort();

function idsWhere(data: SourceData, type: string, predicate: (r: SourceResource) => boolean): string[] {
  return sorted(resourcesOf(data, type).filter(predicate).map((r) => r.id));
}

/** Every value of a param split on commas is OR (search.html#combining); repeating the param is AND. */
const anyOf = (query: string, test: (value: string) => boolean): boolean => query.split(',').some(test);

// --- what each Patient parameter looks at (Patient-name, -family, -given, -birthdate, -gender, -identifier)

const names = (p: SourceResource) => objectsOf(p.name);
const nameMatches = (p: SourceResource, query: string) => anyOf(query, (q) => names(p).some((n) => humanNameParts(n).some((part) => startsWithFolded(part, q))));
const familyMatches = (p: SourceResource, query: string, compare = startsWithFolded) => anyOf(query, (q) => names(p).some((n) => stringsOf(n.family).some((f) => compare(f, q))));
const givenMatches = (p: SourceResource, query: string, compare = startsWithFolded) => anyOf(query, (q) => names(p).some((n) => stringsOf(n.given).some((g) => compare(g, q))));

/** birthDate and date-only search values are both without a zone: any one assumed offset treats them alike, so UTC serves. */
function birthdateMatches(p: SourceResource, query: string): boolean {
  const birthDate = stringOf(p.birthDate);
  if (birthDate === undefined) return false;
  return anyOf(query, (q) => {
    const { prefix, value } = splitPrefix(q);
    return dateMatches(prefix, timeRangeOf(value, 0), timeRangeOf(birthDate, 0));
  });
}

/** Encounter-date is Encounter.period; the search value's zone is assumed to be `offset`. */
function encounterDateMatches(e: SourceResource, query: string, offset: number): boolean {
  const period = periodRangeOf(e.period, offset);
  if (period === undefined) return false;
  return anyOf(query, (q) => {
    const { prefix, value } = splitPrefix(q);
    return dateMatches(prefix, timeRangeOf(value, offset), period);
  });
}

/** The subject of a reference, when it is a literal "Type/id" reference to a resource the files hold. */
function resolved(data: SourceData, reference: SourceResource[string] | undefined, type: string): SourceResource | undefined {
  const target = literalTarget(reference);
  return target?.startsWith(`${type}/`) ? data.byKey.get(target) : undefined;
}

/**
 * A date search where the data has time zones and the search value has none: "the server's local
 * time zone should be assumed" (search.html#date), which a client cannot know. The answer is
 * computed at both extremes of the zones in use; when they differ, the case says so instead of
 * guessing (choose a bound no value comes within 14 hours of).
 */
function zoneGuarded(why: string, type: string, params: SearchParams, answerAt: (offsetMinutes: number) => string[]): SearchCase {
  const [west, east] = OFFSET_EXTREMES.map(answerAt);
  const expected = east ?? [];
  if (JSON.stringify(west) === JSON.stringify(east)) return { why, type, params, expected };
  return { why, type, params, expected, ambiguity: `the answer depends on the time zone assumed for ${JSON.stringify(params)}` };
}

function patientCases(data: SourceData): SearchCase[] {
  const patients = resourcesOf(data, 'Patient');
  const first = patients[0];
  if (first === undefined) throw new Error('the sample holds no Patient');
  const byName = (query: string) => idsWhere(data, 'Patient', (p) => nameMatches(p, query));
  const ssnOf = (p: SourceResource) => objectsOf(p.identifier).find((i) => i.system === 'http://hl7.org/fhir/sid/us-ssn');
  const ssn = stringOf(ssnOf(first)?.value) ?? '';
  const licence = objectsOf(first.identifier).find((i) => i.system === 'urn:oid:2.16.840.1.113883.4.3.25');
  const licenceQuery = `urn:oid:2.16.840.1.113883.4.3.25|${stringOf(licence?.value) ?? ''}`;
  const identified = (query: string) => idsWhere(data, 'Patient', (p) => anyOf(query, (q) => identifierMatches(p.identifier, q)));
  const addressParts = (a: JsonObject) => [...stringsOf(a.line), ...stringsOf(a.city), ...stringsOf(a.district), ...stringsOf(a.state), ...stringsOf(a.postalCode), ...stringsOf(a.country), ...stringsOf(a.text)];
  const byAddress = (query: string) => idsWhere(data, 'Patient', (p) => objectsOf(p.address).some((a) => addressParts(a).some((part) => startsWithFolded(part, query))));
  const phone = stringOf(objectsOf(first.telecom).find((t) => t.system === 'phone')?.value) ?? '';
  // Patient-deceased: "Patient.deceased.exists() and Patient.deceased != false"
  const isDeceased = (p: SourceResource) => p.deceasedBoolean === true || typeof p.deceasedDateTime === 'string';
  // Patient-death-date is Patient.deceased.as(dateTime), which carries a zone; the search value does not.
  const died = (query: string) =>
    zoneGuarded('death-date ge a year', 'Patient', { 'death-date': query }, (offset) =>
      idsWhere(data, 'Patient', (p) => {
        const death = stringOf(p.deceasedDateTime);
        const { prefix, value } = splitPrefix(query);
        return death !== undefined && dateMatches(prefix, timeRangeOf(value, offset), timeRangeOf(death, offset));
      }),
    );
  const born = (...queries: string[]) => idsWhere(data, 'Patient', (p) => queries.every((q) => birthdateMatches(p, q)));

  return [
    { why: 'name starts with, any case', type: 'Patient', params: { name: 'cumm' }, expected: byName('cumm') },
    { why: 'name in capitals finds a maiden name', type: 'Patient', params: { name: 'CUMMERATA' }, expected: byName('CUMMERATA') },
    { why: 'name covers HumanName.prefix', type: 'Patient', params: { name: 'Mrs' }, expected: byName('Mrs') },
    { why: 'name with an accent the data lacks (accent-insensitive)', type: 'Patient', params: { name: 'Émmerich' }, expected: byName('Émmerich') },
    { why: 'name with punctuation as written', type: 'Patient', params: { name: "O'Keefe" }, expected: byName("O'Keefe") },
    { why: 'name with the punctuation left out (search.html#string: punctuation is ignored)', type: 'Patient', params: { name: 'okeefe' }, expected: byName('okeefe') },
    { why: 'family starts with', type: 'Patient', params: { family: 'sch' }, expected: idsWhere(data, 'Patient', (p) => familyMatches(p, 'sch')) },
    { why: 'family covers every name (maiden too)', type: 'Patient', params: { family: 'Paucek' }, expected: idsWhere(data, 'Patient', (p) => familyMatches(p, 'Paucek')) },
    { why: 'family, two values: OR', type: 'Patient', params: { family: 'Cole,jast' }, expected: idsWhere(data, 'Patient', (p) => familyMatches(p, 'Cole,jast')) },
    { why: 'family:exact is exact', type: 'Patient', params: { 'family:exact': "O'Keefe54" }, expected: idsWhere(data, 'Patient', (p) => familyMatches(p, "O'Keefe54", equalsExactly)) },
    { why: 'family:exact is case-sensitive', type: 'Patient', params: { 'family:exact': "o'keefe54" }, expected: [], emptyOnPurpose: true },
    { why: 'given starts with', type: 'Patient', params: { given: 'su' }, expected: idsWhere(data, 'Patient', (p) => givenMatches(p, 'su')) },
    { why: 'given with accents (accent-insensitive)', type: 'Patient', params: { given: 'Gládys' }, expected: idsWhere(data, 'Patient', (p) => givenMatches(p, 'Gládys')) },
    { why: 'given:contains', type: 'Patient', params: { 'given:contains': 'an' }, expected: idsWhere(data, 'Patient', (p) => givenMatches(p, 'an', containsFolded)) },
    { why: 'given and family: AND', type: 'Patient', params: { given: 'sumiko', family: 'medhurst' }, expected: idsWhere(data, 'Patient', (p) => givenMatches(p, 'sumiko') && familyMatches(p, 'medhurst')) },
    { why: 'birthdate, a year', type: 'Patient', params: { birthdate: '1927' }, expected: born('1927') },
    { why: 'birthdate, a day', type: 'Patient', params: { birthdate: '1960-04-13' }, expected: born('1960-04-13') },
    { why: 'birthdate ge a year', type: 'Patient', params: { birthdate: 'ge1990' }, expected: born('ge1990') },
    { why: 'birthdate gt a year: after its end', type: 'Patient', params: { birthdate: 'gt1960' }, expected: born('gt1960') },
    { why: 'birthdate lt a year: before its start', type: 'Patient', params: { birthdate: 'lt1960' }, expected: born('lt1960') },
    { why: 'birthdate le a year: that year included', type: 'Patient', params: { birthdate: 'le1960' }, expected: born('le1960') },
    { why: 'birthdate ge a day', type: 'Patient', params: { birthdate: 'ge1960-04-13' }, expected: born('ge1960-04-13') },
    { why: 'birthdate gt a day', type: 'Patient', params: { birthdate: 'gt1960-04-13' }, expected: born('gt1960-04-13') },
    { why: 'birthdate lt a day', type: 'Patient', params: { birthdate: 'lt1981-11-03' }, expected: born('lt1981-11-03') },
    { why: 'birthdate le a day', type: 'Patient', params: { birthdate: 'le1981-11-03' }, expected: born('le1981-11-03') },
    { why: 'birthdate ne a year', type: 'Patient', params: { birthdate: 'ne1927' }, expected: born('ne1927') },
    { why: 'birthdate, a range: ge and lt together', type: 'Patient', params: { birthdate: ['ge1960', 'lt1990-01-01'] }, expected: born('ge1960', 'lt1990-01-01') },
    { why: 'identifier system|value', type: 'Patient', params: { identifier: `http://hl7.org/fhir/sid/us-ssn|${ssn}` }, expected: identified(`http://hl7.org/fhir/sid/us-ssn|${ssn}`) },
    { why: 'identifier value only', type: 'Patient', params: { identifier: ssn }, expected: identified(ssn) },
    { why: 'identifier value only, in two systems of one patient', type: 'Patient', params: { identifier: first.id }, expected: identified(first.id) },
    { why: 'identifier system|value, urn:oid system', type: 'Patient', params: { identifier: licenceQuery }, expected: identified(licenceQuery) },
    { why: 'identifier system| (any value in it)', type: 'Patient', params: { identifier: 'http://hl7.org/fhir/sid/us-ssn|' }, expected: identified('http://hl7.org/fhir/sid/us-ssn|') },
    { why: 'identifier of another system: no match', type: 'Patient', params: { identifier: `http://hospital.smarthealthit.org|${ssn}` }, expected: [], emptyOnPurpose: true },
    { why: 'gender female', type: 'Patient', params: { gender: 'female' }, expected: idsWhere(data, 'Patient', (p) => p.gender === 'female') },
    { why: 'gender male', type: 'Patient', params: { gender: 'male' }, expected: idsWhere(data, 'Patient', (p) => p.gender === 'male') },
    { why: 'gender:not (a different value, or none)', type: 'Patient', params: { 'gender:not': 'female' }, expected: idsWhere(data, 'Patient', (p) => p.gender !== 'female') },
    { why: 'address-city, any case', type: 'Patient', params: { 'address-city': 'emporia' }, expected: idsWhere(data, 'Patient', (p) => objectsOf(p.address).some((a) => stringsOf(a.city).some((c) => startsWithFolded(c, 'emporia')))) },
    { why: 'address, a city of two words', type: 'Patient', params: { address: 'overland p' }, expected: byAddress('overland p') },
    { why: 'address-postalcode starts with', type: 'Patient', params: { 'address-postalcode': '668' }, expected: idsWhere(data, 'Patient', (p) => objectsOf(p.address).some((a) => stringsOf(a.postalCode).some((c) => startsWithFolded(c, '668')))) },
    { why: 'phone (ContactPoint where system = phone)', type: 'Patient', params: { phone }, expected: idsWhere(data, 'Patient', (p) => objectsOf(p.telecom).some((t) => t.system === 'phone' && t.value === phone)) },
    { why: 'deceased=true (a deceasedDateTime counts)', type: 'Patient', params: { deceased: 'true' }, expected: idsWhere(data, 'Patient', isDeceased) },
    { why: 'deceased=false', type: 'Patient', params: { deceased: 'false' }, expected: idsWhere(data, 'Patient', (p) => !isDeceased(p)) },
    died('ge1990'),
  ];
}

/** The patient with the most and with the fewest encounters: a long answer that pages, and a short one. */
export function encounterSubjects(data: SourceData): { most: string; fewest: string } {
  const counts = new Map<string, number>();
  for (const e of resourcesOf(data, 'Encounter')) {
    const target = literalTarget(e.subject);
    if (target !== undefined) counts.set(target, (counts.get(target) ?? 0) + 1);
  }
  const ranked = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const most = ranked[0]?.[0];
  const fewest = ranked[ranked.length - 1]?.[0];
  if (most === undefined || fewest === undefined) throw new Error('no Encounter has a subject');
  return { most, fewest };
}

function encounterCases(data: SourceData): SearchCase[] {
  const { most, fewest } = encounterSubjects(data);
  const bySubject = (target: string) => idsWhere(data, 'Encounter', (e) => literalTarget(e.subject) === target);
  const actCode = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
  const byClass = (query: string) => idsWhere(data, 'Encounter', (e) => anyOf(query, (q) => codingMatches(e.class, q)));
  const dated = (why: string, queries: string[], extra: (e: SourceResource) => boolean = () => true, params: SearchParams = {}): SearchCase =>
    zoneGuarded(why, 'Encounter', { ...params, date: queries }, (offset) => idsWhere(data, 'Encounter', (e) => extra(e) && queries.every((q) => encounterDateMatches(e, q, offset))));
  const practitioner = resourcesOf(data, 'Practitioner')[0];
  return [
    { why: 'subject=Type/id, many (pages)', type: 'Encounter', params: { subject: most }, expected: bySubject(most) },
    { why: 'subject=Type/id, few', type: 'Encounter', params: { subject: fewest }, expected: bySubject(fewest) },
    { why: 'patient=id (one target type)', type: 'Encounter', params: { patient: fewest.slice('Patient/'.length) }, expected: bySubject(fewest) },
    { why: 'subject:Patient=id', type: 'Encounter', params: { 'subject:Patient': fewest.slice('Patient/'.length) }, expected: bySubject(fewest) },
    dated('date, a year of encounters overlapping it (ge & lt)', ['ge2015-01-01', 'lt2016-01-01']),
    dated('date eq a year: periods inside it', ['2019']),
    dated('date lt a year', ['lt1950']),
    dated('date gt an instant with a zone', ['gt2022-06-15T12:00:00Z']),
    dated('date sa: starts after the end of a day', ['sa2022-01-01']),
    dated('date eb: ends before the start of a month', ['eb1960-01']),
    dated('date ge and subject together', ['ge1990'], (e) => literalTarget(e.subject) === most, { subject: most }),
    { why: 'class system|code', type: 'Encounter', params: { class: `${actCode}|EMER` }, expected: byClass(`${actCode}|EMER`) },
    { why: 'class code only', type: 'Encounter', params: { class: 'IMP' }, expected: byClass('IMP') },
    { why: 'class, two codes: OR', type: 'Encounter', params: { class: 'EMER,HH' }, expected: byClass('EMER,HH') },
    {
      why: 'practitioner: Synthea writes conditional references (Practitioner?identifier=…), which point at no Practitioner/id',
      type: 'Encounter',
      params: { practitioner: `Practitioner/${practitioner?.id ?? ''}` },
      expected: idsWhere(data, 'Encounter', (e) => objectsOf(e.participant).some((p) => literalTarget(p.individual) === `Practitioner/${practitioner?.id ?? ''}`)),
      emptyOnPurpose: true,
    },
    {
      why: 'identifier of an Encounter',
      type: 'Encounter',
      params: { identifier: `https://github.com/synthetichealth/synthea|${resourcesOf(data, 'Encounter')[100]?.id ?? ''}` },
      expected: idsWhere(data, 'Encounter', (e) => identifierMatches(e.identifier, `https://github.com/synthetichealth/synthea|${resourcesOf(data, 'Encounter')[100]?.id ?? ''}`)),
    },
  ];
}

const SNOMED = 'http://snomed.info/sct';
/** Acute bronchitis, viral sinusitis: found in several but not all of the sample's patients. */
const BRONCHITIS = `${SNOMED}|10509002`;
const SINUSITIS = `${SNOMED}|444814009`;

function conditionCases(data: SourceData): SearchCase[] {
  const { fewest } = encounterSubjects(data);
  const coded = (query: string) => idsWhere(data, 'Condition', (c) => anyOf(query, (q) => codingMatches(c.code, q)));
  return [
    { why: 'code system|code', type: 'Condition', params: { code: BRONCHITIS }, expected: coded(BRONCHITIS) },
    { why: 'code, code only', type: 'Condition', params: { code: '10509002' }, expected: coded('10509002') },
    { why: 'code, two codes: OR', type: 'Condition', params: { code: `${BRONCHITIS},${SINUSITIS}` }, expected: coded(`${BRONCHITIS},${SINUSITIS}`) },
    { why: 'code of another system: no match', type: 'Condition', params: { code: 'http://loinc.org|10509002' }, expected: [], emptyOnPurpose: true },
    {
      why: 'code:text, a string match on Coding.display or CodeableConcept.text',
      type: 'Condition',
      params: { 'code:text': 'acute bronch' },
      expected: idsWhere(data, 'Condition', (c) => objectsOf(c.code).some((cc) => [...stringsOf(cc.text), ...objectsOf(cc.coding).flatMap((coding) => stringsOf(coding.display))].some((t) => startsWithFolded(t, 'acute bronch')))),
    },
    {
      why: 'abatement-date:missing=true (Condition.abatement[x] absent)',
      type: 'Condition',
      params: { 'abatement-date:missing': 'true' },
      expected: idsWhere(data, 'Condition', (c) => c.abatementDateTime === undefined && c.abatementPeriod === undefined),
    },
    {
      why: 'abatement-date:missing=false',
      type: 'Condition',
      params: { 'abatement-date:missing': 'false' },
      expected: idsWhere(data, 'Condition', (c) => c.abatementDateTime !== undefined || c.abatementPeriod !== undefined),
    },
    { why: 'subject=Type/id', type: 'Condition', params: { subject: fewest }, expected: idsWhere(data, 'Condition', (c) => literalTarget(c.subject) === fewest) },
    {
      why: 'patient and code: AND',
      type: 'Condition',
      params: { patient: fewest, code: `${SNOMED}|` },
      expected: idsWhere(data, 'Condition', (c) => literalTarget(c.subject) === fewest && codingMatches(c.code, `${SNOMED}|`)),
    },
  ];
}

/** Chains (search.html#chaining) and reverse chains (search.html#has). */
function chainCases(data: SourceData): SearchCase[] {
  const subjectPatient = (r: SourceResource) => resolved(data, r.subject, 'Patient');
  const patientsHaving = (type: string, link: string, test: (r: SourceResource) => boolean) =>
    sorted(
      resourcesOf(data, type)
        .filter(test)
        .map((r) => literalTarget(r[link]))
        .filter((t): t is string => t?.startsWith('Patient/') === true && data.byKey.has(t))
        .map((t) => t.slice('Patient/'.length)),
    );
  return [
    {
      why: 'chain subject:Patient.name',
      type: 'Encounter',
      params: { 'subject:Patient.name': 'Cummings' },
      expected: idsWhere(data, 'Encounter', (e) => {
        const p = subjectPatient(e);
        return p !== undefined && nameMatches(p, 'Cummings');
      }),
    },
    {
      why: 'chain patient.birthdate with a prefix',
      type: 'Encounter',
      params: { 'patient.birthdate': 'ge2000' },
      expected: idsWhere(data, 'Encounter', (e) => {
        const p = subjectPatient(e);
        return p !== undefined && birthdateMatches(p, 'ge2000');
      }),
    },
    {
      why: 'chain subject.gender (subject may be a Patient or a Group; only Patient has gender)',
      type: 'Condition',
      params: { 'subject.gender': 'female' },
      expected: idsWhere(data, 'Condition', (c) => subjectPatient(c)?.gender === 'female'),
    },
    {
      why: '_has:Condition:subject:code',
      type: 'Patient',
      params: { '_has:Condition:subject:code': BRONCHITIS },
      expected: patientsHaving('Condition', 'subject', (c) => codingMatches(c.code, BRONCHITIS)),
    },
    {
      why: '_has:Encounter:patient:class',
      type: 'Patient',
      params: { '_has:Encounter:patient:class': 'EMER' },
      expected: patientsHaving('Encounter', 'subject', (e) => codingMatches(e.class, 'EMER')),
    },
  ];
}

export function searchCases(data: SourceData): SearchCase[] {
  return [...patientCases(data), ...encounterCases(data), ...conditionCases(data), ...chainCases(data)];
}

/** "Patient?name=cumm&_count=…" for test titles. */
export function describeSearch(type: string, params: SearchParams): string {
  const query = Object.entries(params)
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}=${String(v)}`))
    .join('&');
  return `${type}?${query}`;
}
