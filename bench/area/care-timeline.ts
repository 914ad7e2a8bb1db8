/**
 * Plans one patient's contacts with services over the history window: consultations (most by the
 * GP practice, many remote), long-term-condition reviews, emergency attendances and admissions,
 * referrals and what came of them, vaccinations, missed and future appointments. It decides what
 * happens and when, in time order; turning events into FHIR resources is another module's job.
 * The list is per patient and bounded, so planning never grows with the size of the area.
 */
import { HISTORY_YEARS, type AreaPlan } from './area-plan.ts';
import { ACUTE_PROBLEMS, REFERRALS, type AcuteProblemDefinition, type ChronicKey, type ReferralDefinition, type ReferralKey, type VaccineKey } from './clinical-vocabulary.ts';
import { hasCondition, type ChronicCondition, type PatientProfile } from './patient-profile.ts';
import { WeightedTable, type SeededRandom } from './seeded-random.ts';
import { atUkLocalTime, DAY_MS, HOUR_MS, MINUTE_MS, nextWorkingDay, utcDayStart, YEAR_MS } from './uk-time.ts';

export type ContactKind =
  | 'gp-face' | 'gp-phone' | 'gp-video' | 'health-check' | 'long-term-review' | 'gp-home-visit'
  | 'outpatient' | 'mental-health' | 'social-care-visit' | 'emergency' | 'admission';

export interface PlannedReferral {
  number: number;
  definition: ReferralDefinition;
  outcome: 'seen' | 'waiting' | 'declined';
  /** first contact that fulfilled it, when seen */
  seenAtMs?: number;
}

export interface ContactEvent {
  type: 'contact';
  contact: ContactKind;
  atMs: number;
  endMs: number;
  remote: boolean;
  booked: boolean;
  acute?: AcuteProblemDefinition;
  /** long-term conditions first recorded at this contact */
  diagnoses: readonly ChronicCondition[];
  /** long-term conditions this contact is about (reviews, exacerbations, clinics) */
  about: readonly ChronicKey[];
  referral?: PlannedReferral;
  fulfils?: PlannedReferral;
  /** an admission straight from the emergency department */
  fromEmergency?: boolean;
  /** days of home readings on the virtual ward after this contact */
  monitoringDays?: number;
  electiveSurgery?: 'hipReplacement' | 'kneeReplacement';
}

export interface AppointmentOnlyEvent {
  type: 'missed-appointment' | 'future-appointment';
  contact: ContactKind;
  atMs: number;
  endMs: number;
  status: 'noshow' | 'cancelled' | 'booked';
}

export interface ImmunisationEvent {
  type: 'immunisation';
  atMs: number;
  vaccine: VaccineKey;
}

export type TimelineEvent = ContactEvent | AppointmentOnlyEvent | ImmunisationEvent;

const MENTAL_HEALTH: readonly ChronicKey[] = ['depression', 'anxiety', 'psychosis'];

/** At most this many consultations are drawn per patient; very heavy users exist but are capped. */
const MAX_DEMAND_CONTACTS = 60;

const DURATION_MINUTES: Readonly<Record<ContactKind, readonly [number, number]>> = {
  'gp-face': [10, 20], 'gp-phone': [5, 15], 'gp-video': [10, 15], 'health-check': [25, 35], 'long-term-review': [20, 30],
  'gp-home-visit': [25, 45], outpatient: [15, 40], 'mental-health': [45, 60], 'social-care-visit': [60, 90], emergency: [90, 480], admission: [24 * 60, 96 * 60],
};

const BOOKED_SHARE: Readonly<Record<ContactKind, number>> = {
  'gp-face': 0.35, 'gp-phone': 0.2, 'gp-video': 1, 'health-check': 1, 'long-term-review': 0.6, 'gp-home-visit': 0.5,
  outpatient: 1, 'mental-health': 1, 'social-care-visit': 0.7, emergency: 0, admission: 0,
};

/**
 * Unplanned contacts per year before frailty and conditions. The shape by age and sex follows
 * English primary care; the level is about a third of real consultation rates, so that the area's
 * resource mix (encounters ≈ 15 %, patients ≈ 2.5 %) matches what the benchmarks ask for.
 */
function baseContactRate(age: number, female: boolean): number {
  const rate = age < 5 ? 1.1 : age < 15 ? 0.45 : age < 45 ? 0.55 : age < 65 ? 0.75 : age < 75 ? 1.2 : age < 85 ? 1.6 : 2.1;
  return female && age >= 15 && age < 65 ? rate * 1.35 : rate;
}

/** A time on a weekday within opening hours, in `slotMinutes` steps. */
function workingTime(random: SeededRandom, dayMs: number, fromHour: number, toHour: number, slotMinutes: number): number {
  const day = nextWorkingDay(utcDayStart(dayMs));
  const slots = Math.floor(((toHour - fromHour) * 60) / slotMinutes);
  return atUkLocalTime(day, fromHour * 60 + random.int(0, slots - 1) * slotMinutes);
}

function contactTime(random: SeededRandom, kind: ContactKind, dayMs: number): number {
  if (kind === 'emergency') {
    // Emergency departments are busiest from late morning to evening but never close.
    const hour = random.chance(0.8) ? random.between(8, 23) : random.between(0, 24);
    return atUkLocalTime(utcDayStart(dayMs), Math.floor(hour * 60));
  }
  if (kind === 'outpatient') return workingTime(random, dayMs, 9, 17, 15);
  if (kind === 'social-care-visit' || kind === 'mental-health') return workingTime(random, dayMs, 9, 17, 30);
  return workingTime(random, dayMs, 8, 18, 10);
}

interface Planner {
  plan: AreaPlan;
  profile: PatientProfile;
  random: SeededRandom;
  events: TimelineEvent[];
  referrals: number;
}

/**
 * Adds a contact if it falls in the patient's window. A referral made at the contact is planned
 * only once the contact exists, so a clinic visit never answers a referral nobody made.
 */
function addContact(p: Planner, contact: ContactKind, dayMs: number, details: Partial<ContactEvent> = {}, referralMade?: ReferralDefinition): ContactEvent | undefined {
  const atMs = details.atMs ?? contactTime(p.random, contact, dayMs);
  if (atMs < p.profile.activeFromMs || atMs >= p.profile.activeToMs) return undefined;
  const [low, high] = DURATION_MINUTES[contact];
  // Someone who dies during a contact (usually an admission) leaves it at death.
  const endMs = Math.min(details.endMs ?? atMs + p.random.int(low, high) * MINUTE_MS, p.profile.deathMs ?? Infinity);
  const event: ContactEvent = {
    type: 'contact', contact, atMs, endMs, remote: details.remote ?? (contact === 'gp-phone' || contact === 'gp-video'),
    booked: details.booked ?? p.random.chance(BOOKED_SHARE[contact]), diagnoses: details.diagnoses ?? [], about: details.about ?? [],
    ...(details.acute ? { acute: details.acute } : {}),
    ...(details.referral ? { referral: details.referral } : {}),
    ...(details.fulfils ? { fulfils: details.fulfils } : {}),
    ...(details.fromEmergency ? { fromEmergency: true } : {}),
    ...(details.monitoringDays ? { monitoringDays: details.monitoringDays } : {}),
    ...(details.electiveSurgery ? { electiveSurgery: details.electiveSurgery } : {}),
  };
  p.events.push(event);
  if (referralMade) event.referral = planReferral(p, atMs, referralMade);
  if (event.booked && p.random.chance(0.1)) {
    // Some bookings before the one that happened were missed or cancelled.
    const earlier = atMs - p.random.int(2, 21) * DAY_MS;
    if (earlier >= p.profile.activeFromMs) p.events.push({ type: 'missed-appointment', contact, atMs: contactTime(p.random, contact, earlier), endMs: 0, status: p.random.chance(0.45) ? 'noshow' : 'cancelled' });
  }
  return event;
}

function acuteFor(p: Planner, setting: 'gp' | 'emergency'): AcuteProblemDefinition | undefined {
  const { age, female } = p.profile;
  const entries = ACUTE_PROBLEMS.filter((a) => a.setting === setting).map((a) => [a, a.weight(age, female)] as const).filter(([, w]) => w > 0);
  return entries.length === 0 ? undefined : p.random.weighted(new WeightedTable(entries));
}

function referralFor(p: Planner): ReferralDefinition {
  const chronic = p.profile.chronic.filter((c) => c.definition.referral !== 'social-care');
  const key: ReferralKey = chronic.length > 0 && p.random.chance(0.7) ? p.random.pick(chronic).definition.referral : p.profile.age >= 45 && p.random.chance(0.4) ? 'orthopaedics' : 'general-medicine';
  return REFERRALS[key];
}

/** A referral and what follows from it: clinic visits, mental health sessions, a social care visit. */
function planReferral(p: Planner, fromMs: number, definition: ReferralDefinition): PlannedReferral {
  const referral: PlannedReferral = { number: p.referrals++, definition, outcome: p.random.chance(0.05) ? 'declined' : 'waiting' };
  if (referral.outcome === 'declined' || definition.provider === 'voluntary') return referral;
  const waitWeeks = definition.provider === 'hospital' ? p.random.int(3, 18) : definition.provider === 'mental-health' ? p.random.int(2, 10) : p.random.int(1, 6);
  const first = fromMs + waitWeeks * 7 * DAY_MS;
  const contact: ContactKind = definition.provider === 'hospital' ? 'outpatient' : definition.provider === 'mental-health' ? 'mental-health' : 'social-care-visit';
  const sessions = contact === 'mental-health' ? p.random.int(2, 6) : contact === 'outpatient' && p.random.chance(0.35) ? 2 : 1;
  for (let s = 0; s < sessions; s++) {
    const day = first + s * p.random.int(7, contact === 'outpatient' ? 120 : 21) * DAY_MS;
    const remote = contact === 'outpatient' ? p.random.chance(0.25) : contact === 'mental-health' ? p.random.chance(0.35) : false;
    const event = addContact(p, contact, day, { fulfils: referral, remote, booked: true });
    if (event && referral.seenAtMs === undefined) {
      referral.outcome = 'seen';
      referral.seenAtMs = event.atMs;
    }
    if (event && definition.key === 'orthopaedics' && s === 0 && p.random.chance(0.3)) {
      addContact(p, 'admission', event.atMs + p.random.int(8, 30) * 7 * DAY_MS, { booked: true, electiveSurgery: p.random.chance(0.5) ? 'hipReplacement' : 'kneeReplacement', fulfils: referral });
    }
  }
  return referral;
}

function planAdmission(p: Planner, fromMs: number, fromEmergency: boolean, about: readonly ChronicKey[], acute?: AcuteProblemDefinition): void {
  const atMs = fromMs + p.random.int(2, 6) * HOUR_MS;
  const stayDays = Math.min(21, 1 + p.random.poisson(p.profile.age >= 75 ? 5 : 2.5));
  const endMs = atMs + stayDays * DAY_MS + p.random.int(-6, 6) * HOUR_MS;
  const monitoring = p.profile.remoteMonitoring && about.some((k) => k === 'heart-failure' || k === 'copd') ? p.random.int(14, 42) : 0;
  addContact(p, 'admission', 0, { atMs, endMs: Math.max(endMs, atMs + 4 * HOUR_MS), booked: false, fromEmergency, about, ...(acute ? { acute } : {}), ...(monitoring ? { monitoringDays: monitoring } : {}) });
}

function planDemand(p: Planner): void {
  const { profile, random } = p;
  const years = Math.max(0, (profile.activeToMs - profile.activeFromMs) / YEAR_MS);
  const mental = MENTAL_HEALTH.some((k) => hasCondition(profile, k));
  const rate = baseContactRate(profile.age, profile.female) * profile.consultationFrailty * (1 + 0.3 * profile.chronic.length);
  const kinds = new WeightedTable<ContactKind>([
    ['gp-face', 48], ['gp-phone', 34], ['gp-video', 3], ['gp-home-visit', profile.housebound ? 20 : profile.age >= 80 ? 2 : 0.3],
    ['emergency', 7 * (profile.age < 5 || profile.age >= 80 ? 1.8 : 1)], ['mental-health', mental ? 4 : 0],
  ]);
  const count = Math.min(MAX_DEMAND_CONTACTS, random.poisson(rate * years));
  for (let i = 0; i < count; i++) {
    const day = random.between(profile.activeFromMs, profile.activeToMs);
    const kind = random.weighted(kinds);
    const exacerbation = profile.chronic.length > 0 && random.chance(0.3) ? random.pick(profile.chronic) : undefined;
    const about = exacerbation && exacerbation.onsetMs < day ? [exacerbation.definition.key] : [];
    if (kind === 'emergency') {
      const acute = about.length > 0 && random.chance(0.4) ? undefined : acuteFor(p, 'emergency');
      const event = addContact(p, 'emergency', day, { about, ...(acute ? { acute } : {}) });
      if (event && random.chance(acute?.admission ?? 0.35)) planAdmission(p, event.atMs, true, about, acute);
      continue;
    }
    const acute = kind !== 'gp-home-visit' && kind !== 'mental-health' && random.chance(0.5) ? acuteFor(p, 'gp') : undefined;
    const referral = (kind === 'gp-face' || kind === 'gp-phone') && random.chance(0.1) ? referralFor(p) : undefined;
    addContact(p, kind, day, { about, ...(acute ? { acute } : {}) }, referral);
  }

  // Care and support referrals: social care for frail older people, community support for the isolated.
  const socialNeed = hasCondition(profile, 'dementia') || (profile.age >= 75 && (profile.livesAlone || profile.housebound));
  const communityNeed = (profile.livesAlone && profile.age >= 65) || hasCondition(profile, 'depression');
  for (let year = 0; year < Math.ceil(years); year++) {
    const day = random.between(profile.activeFromMs, profile.activeToMs);
    if (socialNeed && random.chance(0.12)) addContact(p, 'gp-phone', day, {}, REFERRALS['social-care']);
    if (communityNeed && random.chance(0.06)) addContact(p, 'gp-face', day, {}, REFERRALS['community-support']);
    if (mental && random.chance(0.08)) addContact(p, 'gp-face', day, { about: MENTAL_HEALTH.filter((k) => hasCondition(profile, k)) }, REFERRALS['mental-health']);
  }
  if (profile.remoteMonitoring && !p.events.some((e) => e.type === 'contact' && e.monitoringDays)) {
    // Step-up to the virtual ward from a phone review rather than after a hospital stay.
    addContact(p, 'gp-phone', random.between(profile.activeFromMs, profile.activeToMs), { about: hasCondition(profile, 'heart-failure') ? ['heart-failure'] : ['copd'], monitoringDays: random.int(14, 42) });
  }
}

function planLongTermCare(p: Planner): void {
  const { plan, profile, random } = p;
  for (const condition of profile.chronic) {
    if (condition.diagnosedInWindow) addContact(p, random.chance(0.8) ? 'gp-face' : 'gp-phone', condition.onsetMs, { diagnoses: [condition], about: [] });
  }
  const reviewed = profile.chronic.filter((c) => c.definition.reviewed);
  if (reviewed.length > 0) {
    const perYear = hasCondition(profile, 'diabetes') ? 2 : 1;
    for (let year = 0; year < HISTORY_YEARS * perYear; year++) {
      const day = plan.startMs + (year + random.next()) * (YEAR_MS / perYear);
      const about = reviewed.filter((c) => c.onsetMs < day).map((c) => c.definition.key);
      if (about.length > 0) addContact(p, 'long-term-review', day, { about, remote: random.chance(0.25) });
    }
  }
  if (profile.age >= 40 && profile.age < 75 && reviewed.length === 0 && random.chance(0.25)) {
    addContact(p, 'health-check', random.between(plan.startMs, plan.asOfMs));
  }
}

function planImmunisations(p: Planner): void {
  const { plan, profile, random } = p;
  const push = (dayMs: number, vaccine: VaccineKey) => {
    const atMs = workingTime(random, dayMs, 9, 17, 5);
    if (atMs >= profile.activeFromMs && atMs < profile.activeToMs) p.events.push({ type: 'immunisation', atMs, vaccine });
  };
  const ageAt = (ms: number) => (ms - profile.birthMs) / YEAR_MS;
  const firstYear = new Date(plan.startMs).getUTCFullYear();
  const atRisk = profile.chronic.some((c) => c.definition.reviewed);
  for (let year = firstYear; year < firstYear + HISTORY_YEARS + 1; year++) {
    const autumn = Date.UTC(year, 9, 1) + random.int(0, 75) * DAY_MS;
    const age = ageAt(autumn);
    if (age >= 65 ? random.chance(0.75) : age >= 2 && age < 17 ? random.chance(0.4) : age >= 18 && atRisk && random.chance(0.4)) push(autumn, age < 17 ? 'fluNasal' : 'fluInjected');
    if ((age >= 65 && random.chance(0.5)) || (atRisk && age >= 18 && random.chance(0.1))) push(autumn + random.int(0, 20) * DAY_MS, 'covid');
    const spring = Date.UTC(year, 3, 1) + random.int(0, 80) * DAY_MS;
    if (ageAt(spring) >= 75 && random.chance(0.35)) push(spring, 'covid');
  }
  const ageNow = profile.age;
  if (ageNow >= 70 && ageNow < 80 && random.chance(0.25)) push(random.between(plan.startMs, plan.asOfMs), 'shingles');
  if (ageNow >= 65 && ageNow < 65 + HISTORY_YEARS + 1 && random.chance(0.7)) push(profile.birthMs + 65 * YEAR_MS + random.int(0, 180) * DAY_MS, 'pneumococcal');
  if (ageNow >= 12 && ageNow < 12 + HISTORY_YEARS + 1 && random.chance(0.75)) push(profile.birthMs + 12.5 * YEAR_MS, 'hpv');
  for (const weeks of [8, 12, 16]) if (random.chance(0.93)) push(profile.birthMs + weeks * 7 * DAY_MS, 'sixInOne');
  if (random.chance(0.9)) push(profile.birthMs + YEAR_MS + random.int(0, 30) * DAY_MS, 'mmr');
}

function planFutureAppointments(p: Planner): void {
  const { plan, profile, random } = p;
  if (profile.deathMs !== undefined) return;
  const count = Math.min(3, random.poisson(0.25 + 0.15 * profile.chronic.length));
  const kinds: readonly ContactKind[] = ['gp-face', 'gp-phone', 'long-term-review', 'outpatient'];
  for (let i = 0; i < count; i++) {
    const contact = random.pick(kinds);
    const atMs = contactTime(random, contact, plan.asOfMs + random.int(1, 56) * DAY_MS);
    p.events.push({ type: 'future-appointment', contact, atMs, endMs: 0, status: 'booked' });
  }
}

/** Every event of the patient's history, in time order. */
export function planTimeline(plan: AreaPlan, profile: PatientProfile, random: SeededRandom): TimelineEvent[] {
  const planner: Planner = { plan, profile, random, events: [], referrals: 0 };
  planLongTermCare(planner);
  planDemand(planner);
  planImmunisations(planner);
  planFutureAppointments(planner);
  // Stable sort on time: ties keep planning order, which is itself deterministic.
  return planner.events.sort((a, b) => a.atMs - b.atMs);
}
