/**
 * Who a synthetic patient is: age, sex, name, address, practice, long-term conditions, carer,
 * language and baseline physiology. A pure function of (plan, patient index) drawn from the
 * patient's own random stream, so the record, the Groups and sampleQueries all see the same person
 * without anyone keeping a list of patients. It must not draw anything about events over time.
 */
import { hospitalNumberFor, nhsNumberFor } from './area-identifiers.ts';
import { drawPostcode, HISTORY_YEARS, patientResourceId, placeOfDistrict, Stream, type AreaPlan, type OrganisationPlan } from './area-plan.ts';
import { ACUTE_PROBLEMS, ALLERGIES, CHRONIC_CONDITIONS, CONDITION_RISK_FACTORS, type AcuteProblemDefinition, type AllergyDefinition, type ChronicConditionDefinition, type ChronicKey } from './clinical-vocabulary.ts';
import type { SmokingStatus } from './observation-vocabulary.ts';
import { drawHeritage, drawName, fictionalEmail, fictionalLandline, fictionalMobile, type DrawnName } from './person-names.ts';
import { SeededRandom, WeightedTable } from './seeded-random.ts';
import { PLACES, STREETS } from './uk-names.ts';
import { DAY_MS, YEAR_MS } from './uk-time.ts';

/** England's population by five-year age band (percent, rounded; the authors' approximation of ONS estimates). */
const AGE_BANDS = new WeightedTable<number>([
  [0, 5.4], [5, 5.9], [10, 6.0], [15, 5.7], [20, 6.0], [25, 6.5], [30, 6.8], [35, 6.7], [40, 6.3], [45, 6.4],
  [50, 6.9], [55, 6.8], [60, 6.0], [65, 5.2], [70, 5.0], [75, 3.8], [80, 2.6], [85, 1.6], [90, 0.9],
]);

/** Annual chance of dying by age (rounded from English life tables); used to mark some patients deceased. */
function annualMortality(age: number): number {
  if (age < 1) return 0.004;
  if (age < 50) return 0.001;
  if (age < 65) return 0.005;
  if (age < 75) return 0.015;
  if (age < 85) return 0.045;
  return 0.14;
}

export interface ChronicCondition {
  definition: ChronicConditionDefinition;
  onsetMs: number;
  /** diagnosed during the history window (recorded at a consultation) rather than before it */
  diagnosedInWindow: boolean;
}

/** A problem that came and went before the history window (past medical history). */
export interface PastProblem {
  definition: AcuteProblemDefinition;
  onsetMs: number;
  abatementMs: number;
}

export interface CarerProfile {
  relationship: 'spouse' | 'daughter' | 'son' | 'friend' | 'neighbour';
  female: boolean;
  birthYear: number;
  name: DrawnName;
  livesWithPatient: boolean;
}

export interface Physiology {
  adultHeightCm: number;
  bmi: number;
  systolic: number;
  diastolic: number;
  heartRate: number;
  hba1c: number;
  egfr: number;
  cholesterol: number;
  haemoglobin: number;
  oxygenSaturation: number;
  phq9: number;
  gad7: number;
}

export interface PatientProfile {
  index: number;
  id: string;
  gender: 'male' | 'female' | 'other' | 'unknown';
  female: boolean;
  birthMs: number;
  /** age at the end of the history window (as if alive) */
  age: number;
  deathMs?: number;
  /** the patient's part of the history window: [activeFromMs, activeToMs) */
  activeFromMs: number;
  activeToMs: number;
  name: DrawnName;
  ethnicCategory: string;
  language?: { code: string; interpreterRequired: boolean };
  maritalStatus?: 'S' | 'M' | 'D' | 'W';
  practice: OrganisationPlan;
  address: { line: string[]; town: string; postcode: string; district: number };
  mobile?: string;
  landline?: string;
  email?: string;
  nhsNumber: string;
  hospitalNumber: string;
  chronic: readonly ChronicCondition[];
  pastProblems: readonly PastProblem[];
  allergies: readonly AllergyDefinition[];
  smoking?: SmokingStatus;
  livesAlone: boolean;
  housebound: boolean;
  carer?: CarerProfile;
  /** has a CareTeam on record */
  complexNeeds: boolean;
  /** had a spell on the heart failure / COPD virtual ward */
  remoteMonitoring: boolean;
  /** on the council's vulnerable people register (see area-groups.ts) */
  vulnerable: boolean;
  /** multiplies how often the person consults: a few people use most appointments */
  consultationFrailty: number;
  physiology: Physiology;
}

export function hasCondition(profile: PatientProfile, key: ChronicKey): boolean {
  return profile.chronic.some((c) => c.definition.key === key);
}

function drawMaritalStatus(random: SeededRandom, age: number): PatientProfile['maritalStatus'] {
  if (age < 18) return undefined;
  const u = random.next();
  if (age < 25) return u < 0.9 ? 'S' : 'M';
  if (age < 45) return u < 0.45 ? 'S' : u < 0.93 ? 'M' : 'D';
  if (age < 65) return u < 0.2 ? 'S' : u < 0.8 ? 'M' : u < 0.95 ? 'D' : 'W';
  return u < 0.1 ? 'S' : u < 0.58 ? 'M' : u < 0.68 ? 'D' : 'W';
}

function drawChronic(random: SeededRandom, plan: AreaPlan, age: number, female: boolean, birthMs: number, activeToMs: number): ChronicCondition[] {
  const present: ChronicCondition[] = [];
  for (const definition of CHRONIC_CONDITIONS) {
    let probability = definition.prevalence(age, female);
    for (const [cause, effect, factor] of CONDITION_RISK_FACTORS) {
      if (effect === definition.key && present.some((c) => c.definition.key === cause)) probability *= factor;
    }
    if (!random.chance(Math.min(0.9, probability))) continue;
    const earliest = birthMs + definition.minOnsetAge * YEAR_MS;
    const windowStart = Math.max(plan.startMs, earliest);
    const canStartInWindow = windowStart < activeToMs;
    const canStartBefore = earliest < plan.startMs;
    if (!canStartInWindow && !canStartBefore) continue;
    const inWindow = canStartInWindow && (!canStartBefore || random.chance(0.12));
    const onsetMs = inWindow ? random.between(windowStart, activeToMs) : random.between(earliest, plan.startMs);
    present.push({ definition, onsetMs: Math.floor(onsetMs), diagnosedInWindow: inWindow });
  }
  return present;
}

/** Lasting past problems only: injuries, infections that needed care; not symptoms or pregnancies. */
const PAST_PROBLEM_CANDIDATES = ACUTE_PROBLEMS.filter((a) => !a.finding && a.days[1] >= 14);

function drawPastProblems(random: SeededRandom, plan: AreaPlan, age: number, female: boolean, birthMs: number): PastProblem[] {
  const latest = plan.startMs - 30 * DAY_MS;
  if (latest <= birthMs) return [];
  const count = random.poisson(Math.min(1.5, 0.15 + age / 120));
  const table = new WeightedTable(PAST_PROBLEM_CANDIDATES.map((a) => [a, a.weight(age, female) + 0.5] as const));
  return Array.from({ length: count }, () => {
    const definition = random.weighted(table);
    const onsetMs = Math.floor(random.between(birthMs, latest));
    return { definition, onsetMs, abatementMs: Math.min(latest, onsetMs + random.int(definition.days[0], definition.days[1]) * DAY_MS) };
  });
}

function drawPhysiology(random: SeededRandom, female: boolean, age: number, has: (key: ChronicKey) => boolean): Physiology {
  const adult = age >= 18;
  const bmi = !adult ? random.clampedNormal(17, 2.2, 13, 26) : has('obesity') ? random.clampedNormal(34, 3.5, 30, 55) : random.clampedNormal(25.5, 3.2, 17, 29.9);
  const years = Math.max(0, age - 30);
  return {
    adultHeightCm: random.clampedNormal(female ? 163 : 176, 7, 140, 205),
    bmi,
    systolic: adult ? random.clampedNormal(116 + 0.45 * years + (has('hypertension') ? 18 : 0), 11, 90, 200) : random.clampedNormal(102, 8, 80, 130),
    diastolic: adult ? random.clampedNormal(72 + 0.12 * years + (has('hypertension') ? 8 : 0), 7, 50, 120) : random.clampedNormal(63, 6, 45, 85),
    heartRate: age < 12 ? random.clampedNormal(100 - 2.5 * age, 9, 65, 160) : random.clampedNormal(71 + (has('atrial-fibrillation') ? 12 : 0), 8, 45, 120),
    hba1c: has('diabetes') ? random.clampedNormal(58, 11, 42, 110) : random.clampedNormal(36, 3.5, 26, 46),
    egfr: has('ckd') ? random.between(32, 58) : random.clampedNormal(104 - 0.85 * years, 10, 61, 135),
    cholesterol: random.clampedNormal(has('hyperlipidaemia') ? 6.3 : 5.0, 0.8, 2.8, 9.5),
    haemoglobin: random.clampedNormal(female ? 133 : 147, 10, 95, 185),
    oxygenSaturation: has('copd') ? random.clampedNormal(93.5, 1.5, 88, 97) : random.clampedNormal(97.5, 0.9, 94, 100),
    phq9: has('depression') ? random.clampedNormal(13, 5, 3, 27) : random.clampedNormal(3, 2.5, 0, 12),
    gad7: has('anxiety') ? random.clampedNormal(12, 4, 3, 21) : random.clampedNormal(3, 2.5, 0, 12),
  };
}

function drawCarer(random: SeededRandom, age: number, married: boolean, patientBirthYear: number): CarerProfile {
  const u = random.next();
  const relationship: CarerProfile['relationship'] = married && u < 0.6 ? 'spouse' : u < 0.75 ? 'daughter' : u < 0.9 ? 'son' : u < 0.96 ? 'friend' : 'neighbour';
  const female = relationship === 'daughter' ? true : relationship === 'son' ? false : random.chance(0.6);
  const birthYear = relationship === 'spouse' ? patientBirthYear + random.int(-4, 4)
    : relationship === 'daughter' || relationship === 'son' ? patientBirthYear + Math.max(18, Math.min(age - 18, random.int(24, 36)))
      : random.int(1950, 1985);
  return { relationship, female, birthYear, name: drawName(random, female, birthYear), livesWithPatient: relationship === 'spouse' || random.chance(0.2) };
}

/** The patient at `index`, identical every time it is asked for. */
export function patientProfile(plan: AreaPlan, index: number): PatientProfile {
  const random = SeededRandom.for(plan.seed, Stream.profile, index);
  const age = random.weighted(AGE_BANDS) + random.int(0, 4);
  const birthMs = Math.floor(plan.asOfMs - (age + random.next()) * YEAR_MS);
  const birthYear = new Date(birthMs).getUTCFullYear();
  const femaleShare = age < 20 ? 0.49 : age < 60 ? 0.5 : age < 70 ? 0.52 : age < 80 ? 0.54 : age < 90 ? 0.58 : 0.67;
  const female = random.chance(femaleShare);
  const gender: PatientProfile['gender'] = random.chance(0.001) ? (random.chance(0.5) ? 'other' : 'unknown') : female ? 'female' : 'male';
  const activeFromMs = Math.max(plan.startMs, birthMs);
  const ageAtStart = Math.max(0, age - HISTORY_YEARS);
  const deathChance = 1 - Math.pow(1 - annualMortality(ageAtStart), HISTORY_YEARS);
  const deathMs = random.chance(deathChance) ? Math.floor(random.between(activeFromMs, plan.asOfMs)) : undefined;
  const activeToMs = deathMs ?? plan.asOfMs;

  const heritage = drawHeritage(random);
  const name = drawName(random, female, birthYear, heritage);
  const ethnicCategory = random.weighted(heritage.ethnicCategory);
  const migrantPool = heritage.pool.languages.length > 0 && heritage.pool.key !== 'irish';
  const prefersOther = migrantPool && random.chance(age >= 50 ? 0.35 : age >= 18 ? 0.15 : 0.03);
  const language = prefersOther ? { code: random.pick(heritage.pool.languages), interpreterRequired: random.chance(0.6) }
    : random.chance(0.0015) ? { code: 'bfi', interpreterRequired: true } // British Sign Language
      : undefined;
  const maritalStatus = drawMaritalStatus(random, age);

  const practice = random.weighted(plan.practiceTable);
  const districts = PLACES.flatMap(([, d]) => d);
  const district = random.chance(0.75) ? practice.district : random.pick(districts);
  const house = `${random.int(1, 220)} ${random.pick(STREETS)}`;
  const line = random.chance(0.12) ? [`Flat ${random.int(1, 24)}`, house] : [house];
  const address = { line, town: placeOfDistrict(district), postcode: drawPostcode(random, district), district };
  // Fewer older people have a mobile or email: the digital exclusion the BRIEF asks us to see.
  const mobile = age >= 13 && random.chance(age < 70 ? 0.95 : age < 85 ? 0.75 : 0.45) ? fictionalMobile(random) : undefined;
  const landline = random.chance(age >= 65 ? 0.6 : 0.2) ? fictionalLandline(random) : undefined;
  const email = age >= 16 && random.chance(age < 70 ? 0.6 : 0.3);

  const chronic = drawChronic(random, plan, age, female, birthMs, activeToMs);
  const has = (key: ChronicKey) => chronic.some((c) => c.definition.key === key);
  const pastProblems = drawPastProblems(random, plan, age, female, birthMs);
  const allergies = ALLERGIES.filter((a) => random.chance(a.prevalence));
  const smokingDraw = random.next();
  const smoking: SmokingStatus | undefined = age < 16 ? undefined : smokingDraw < 0.13 ? 'current' : smokingDraw < 0.13 + Math.min(0.35, age / 200) ? 'former' : 'never';
  const livesAlone = age >= 18 && random.chance(maritalStatus === 'M' ? 0.02 : age >= 75 ? 0.6 : age >= 65 ? 0.4 : 0.2);
  const housebound = random.chance(age >= 85 ? 0.25 : age >= 75 ? 0.08 : has('dementia') ? 0.2 : 0.003);
  // Identified unpaid carers cluster around dementia, frailty and multimorbidity in later life.
  const carerChance = Math.max(has('dementia') ? 0.7 : 0, housebound ? 0.5 : 0, age >= 85 ? 0.35 : age >= 75 ? 0.18 : 0,
    has('heart-failure') || has('psychosis') || has('previous-stroke') ? 0.25 : 0, chronic.length >= 4 ? 0.3 : chronic.length >= 2 && age >= 65 ? 0.12 : 0);
  const carer = age >= 18 && random.chance(carerChance) ? drawCarer(random, age, maritalStatus === 'M', birthYear) : undefined;
  const alive = deathMs === undefined;
  const physiology = drawPhysiology(random, female, age, has);
  const remoteMonitoring = (has('heart-failure') || has('copd')) && random.chance(0.35);

  return {
    index, id: patientResourceId(plan, index, 0), gender, female, birthMs, age, activeFromMs, activeToMs, name, ethnicCategory, practice, address,
    nhsNumber: nhsNumberFor(plan.seed, index), hospitalNumber: hospitalNumberFor(plan.seed, index), chronic, pastProblems, allergies, livesAlone, housebound,
    complexNeeds: carer !== undefined || has('dementia') || has('psychosis') || chronic.length >= 4,
    remoteMonitoring,
    vulnerable: alive && ((age >= 75 && livesAlone) || housebound || has('dementia') || chronic.length >= 4),
    consultationFrailty: random.frailtyMultiplier(0.7),
    physiology,
    ...(deathMs === undefined ? {} : { deathMs }),
    ...(language ? { language } : {}),
    ...(maritalStatus ? { maritalStatus } : {}),
    ...(mobile === undefined ? {} : { mobile }),
    ...(landline === undefined ? {} : { landline }),
    ...(email ? { email: fictionalEmail(name.given[0] ?? 'patient', name.family, 'example.com', index) } : {}),
    ...(smoking ? { smoking } : {}),
    ...(carer ? { carer } : {}),
  };
}
