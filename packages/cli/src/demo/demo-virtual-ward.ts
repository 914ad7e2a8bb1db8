/**
 * The demo area's virtual ward (decision 0016): a respiratory virtual ward run by the hospital
 * (a CareTeam with its phone number; the hospital's consultant is on it), and eight of the area's
 * adults enrolled two weeks ago, each with two weeks of readings that tell a story on the
 * dashboard: three steady and green, three amber (low SpO2, a temperature, a fast pulse), one who
 * turned red this morning with the ward's alert still open, one whose readings stopped three days
 * ago (missed), and one who sends their readings by text message.
 *
 * Written through the monitoring service (enrolment, readings, the received-text handler), so
 * the plans, NEWS2, colours, alerts and messages are exactly what Kindred makes of real readings.
 * Seeding, with the operator's access; the same seed and date make the same ward.
 */
import { localAdministratorAccess, scopedRepository } from '@kindred/access';
import {
  CARE_TEAM_CATEGORY_SYSTEM,
  MONITORING_ACCESS,
  Measure,
  ReadingSource,
  VIRTUAL_WARD,
  enrolInVirtualWard,
  outboxChannels,
  receivedText,
  recordReadings,
  type MonitoringDeps,
  type ReadingValues,
} from '@kindred/care';
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository, Store } from '@kindred/store';
import { ORGANISATIONS, STAFF, roleId, staffName } from './demo-organisations.ts';
import { demoRandom, type DemoRandom } from './demo-random.ts';

export const DEMO_WARD = { id: 'demo-respiratory-virtual-ward', name: 'Northgate Respiratory Virtual Ward', phone: '0300 555 0299' } as const;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const HISTORY_DAYS = 14;
/** readings at 08:00 and 18:00 (UTC; near enough London time for the demo) */
const READING_HOURS = [8, 18] as const;

/** What each enrolled person's readings show. */
export const WardStory = {
  steady: 'steady',
  lowOxygen: 'low-oxygen',
  fever: 'fever',
  fastPulse: 'fast-pulse',
  red: 'red',
  stopped: 'stopped',
  texter: 'texter',
} as const;
export type WardStory = (typeof WardStory)[keyof typeof WardStory];

const STORIES: readonly WardStory[] = [WardStory.steady, WardStory.lowOxygen, WardStory.red, WardStory.fever, WardStory.steady, WardStory.stopped, WardStory.fastPulse, WardStory.texter];

export interface DemoWardSummary {
  enrolled: { patientId: string; story: WardStory }[];
  readingSets: number;
}

/** The ward as a CareTeam (decision 0016: category virtual-ward, run by the hospital, its phone in telecom). */
export function virtualWardResource(): Resource {
  const consultant = STAFF.hospitalClinician;
  return {
    resourceType: 'CareTeam',
    id: DEMO_WARD.id,
    status: 'active',
    category: [{ coding: [{ system: CARE_TEAM_CATEGORY_SYSTEM, code: VIRTUAL_WARD, display: 'Virtual ward' }] }],
    name: DEMO_WARD.name,
    managingOrganization: [{ reference: `Organization/${ORGANISATIONS.hospital.id}`, display: ORGANISATIONS.hospital.name }],
    telecom: [{ system: 'phone', value: DEMO_WARD.phone, use: 'work' }],
    // the organisation as a participant: its staff may read the ward through their own record (decision 0016)
    participant: [
      { member: { reference: `Organization/${ORGANISATIONS.hospital.id}`, display: ORGANISATIONS.hospital.name } },
      { member: { reference: `PractitionerRole/${roleId(consultant)}`, display: staffName(consultant) } },
    ],
  };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** One reading set of a story, `daysAgo` before now (0 = today), the `slot`th of the day. */
function valuesOf(story: WardStory, random: DemoRandom, daysAgo: number, last: boolean): ReadingValues {
  const wobble = (n: number, by: number): number => n + random.int(-by, by);
  const base: ReadingValues = {
    spo2: wobble(96, 1),
    pulse: wobble(76, 6),
    bloodPressure: { systolic: wobble(128, 8), diastolic: wobble(80, 5) },
    temperature: round1(36.7 + random.int(-3, 3) / 10),
    respiratoryRate: wobble(16, 2),
    consciousness: 'A',
    symptomsWorse: false,
  };
  switch (story) {
    case WardStory.lowOxygen:
      return { ...base, spo2: daysAgo <= 4 ? wobble(93, 0) : wobble(95, 1), respiratoryRate: daysAgo <= 4 ? wobble(19, 1) : base.respiratoryRate };
    case WardStory.fever:
      return { ...base, temperature: daysAgo <= 2 ? round1(38.2 + random.int(0, 3) / 10) : base.temperature, pulse: daysAgo <= 2 ? wobble(92, 4) : base.pulse };
    case WardStory.fastPulse:
      return { ...base, pulse: daysAgo <= 3 ? wobble(114, 2) : wobble(88, 4) };
    case WardStory.red:
      if (last) return { ...base, spo2: 89, pulse: 118, respiratoryRate: 26, temperature: 38.4, symptomsWorse: true };
      return { ...base, spo2: daysAgo <= 2 ? wobble(94, 0) : base.spo2 };
    case WardStory.steady:
    case WardStory.stopped:
    case WardStory.texter:
      return base;
  }
}

/** The reading set as the person would text it ("O2 96 P 74 T 36.8 BP 126/80 RR 16"). */
function asText(values: ReadingValues): string {
  const parts = [
    values.spo2 !== undefined ? `O2 ${values.spo2}` : '',
    values.pulse !== undefined ? `P ${values.pulse}` : '',
    values.temperature !== undefined ? `T ${values.temperature}` : '',
    values.bloodPressure !== undefined ? `BP ${values.bloodPressure.systolic}/${values.bloodPressure.diastolic}` : '',
    values.respiratoryRate !== undefined ? `RR ${values.respiratoryRate}` : '',
  ];
  return parts.filter((p) => p !== '').join(' ');
}

const mobileOf = (patient: StoredResource): string | undefined =>
  ((patient.telecom as { system?: string; value?: string; use?: string }[] | undefined) ?? []).find((t) => t.system === 'phone' && t.use === 'mobile')?.value;

/** Eight adults of working age or older with a mobile number, the first in id order (the same every time). */
async function chooseWardPeople(repository: Repository, nowMs: number): Promise<StoredResource[]> {
  const page = await repository.search(parseSearchRequest('Patient', [['_sort', '_id'], ['_count', '300']], { handling: 'strict' }));
  const adult = (p: StoredResource): boolean => typeof p.birthDate === 'string' && nowMs - Date.parse(p.birthDate) > 45 * 365.25 * DAY;
  return page.matches.filter((p) => adult(p) && mobileOf(p) !== undefined).slice(0, STORIES.length);
}

/** A mobile number in Ofcom's drama range that no other person in the area has, for the person who texts. */
async function unusedMobile(repository: Repository): Promise<string | undefined> {
  for (let n = 999; n >= 0; n--) {
    const number = `07700 900${String(n).padStart(3, '0')}`;
    const found = await repository.search(parseSearchRequest('Patient', [['phone', number], ['_count', '1']], { handling: 'strict' }));
    if (found.matches.length === 0) return number;
  }
  return undefined;
}

export async function addVirtualWard(store: Store, options: { nowMs: number; seed: number }): Promise<DemoWardSummary> {
  const repository = scopedRepository(store.repository, localAdministratorAccess());
  const deps: MonitoringDeps = { system: scopedRepository(store.repository, MONITORING_ACCESS), channels: outboxChannels(store.outbox, undefined, () => options.nowMs) };
  const imported = await repository.importResources([virtualWardResource()]);
  if (imported.some((r) => r.outcome === 'rejected')) throw new Error(`the demo's virtual ward was refused: ${JSON.stringify(imported)}`);
  const people = await chooseWardPeople(repository, options.nowMs);
  const todayStart = Math.floor(options.nowMs / DAY) * DAY;
  const enrolledAt = todayStart - HISTORY_DAYS * DAY;
  const consultant = { reference: `PractitionerRole/${roleId(STAFF.hospitalClinician)}`, display: staffName(STAFF.hospitalClinician) };
  const summary: DemoWardSummary = { enrolled: [], readingSets: 0 };

  for (const [index, person] of people.entries()) {
    const story = STORIES[index]!;
    const random = demoRandom('virtual-ward', options.seed, index);
    let patient = person;
    if (story === WardStory.texter) {
      const mobile = await unusedMobile(repository);
      if (mobile === undefined) continue;
      const { meta: _meta, ...rest } = person;
      const others = ((person.telecom as { use?: string }[] | undefined) ?? []).filter((t) => t.use !== 'mobile');
      patient = (await repository.update({ ...rest, telecom: [...others, { system: 'phone', value: mobile, use: 'mobile' }] })).resource;
    }
    await enrolInVirtualWard(repository, {
      patientId: patient.id,
      wardId: DEMO_WARD.id,
      measures: [Measure.spo2, Measure.pulse, Measure.bloodPressure, Measure.temperature, Measure.respiratoryRate, Measure.consciousness, Measure.symptomsWorse].map((measure) => ({ measure, timesPerDay: READING_HOURS.length })),
      spo2Scale: 1,
      homeOxygen: false,
      enrolledBy: consultant,
      now: enrolledAt,
      reason: story === WardStory.texter ? 'COPD exacerbation; prefers to text readings' : 'Early supported discharge after a chest infection',
    });
    summary.enrolled.push({ patientId: patient.id, story });

    const times: number[] = [];
    for (let day = HISTORY_DAYS - 1; day >= 0; day--) for (const hour of READING_HOURS) times.push(todayStart - day * DAY + hour * HOUR);
    const due = times.filter((t) => t <= options.nowMs && (story !== WardStory.stopped || t < todayStart - 3 * DAY));
    for (const [i, at] of due.entries()) {
      const daysAgo = Math.floor((todayStart - Math.floor(at / DAY) * DAY) / DAY);
      const values = valuesOf(story, random, daysAgo, i === due.length - 1);
      const takenAt = new Date(at).toISOString();
      const receivedAt = new Date(at + random.int(1, 20) * 60_000).toISOString();
      if (story === WardStory.texter) {
        const mobile = mobileOf(patient) ?? '';
        await receivedText(deps, { from: `44${mobile.replace(/\s+/g, '').slice(1)}`, content: asText(values), receivedAt });
      } else {
        await recordReadings(repository, deps, { patientId: patient.id, takenAt, receivedAt, values, source: i % 5 === 4 ? ReadingSource.staffPhone : ReadingSource.web, enteredBy: i % 5 === 4 ? consultant : { reference: `Patient/${patient.id}` } });
      }
      summary.readingSets += 1;
    }
  }
  return summary;
}
