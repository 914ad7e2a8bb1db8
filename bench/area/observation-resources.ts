/**
 * Observations for a contact or a virtual-ward spell: which measurements each kind of contact
 * takes, and values that are plausible for this patient (their baseline, age, acute illness) with
 * measurement noise. Streams resources one at a time; refers only to the patient, the contact's
 * Encounter and staff, all emitted earlier.
 */
import type { Resource } from '@kindred/fhir';
import type { ContactEvent } from './care-timeline.ts';
import { hasCondition } from './patient-profile.ts';
import type { RecordContext } from './record-context.ts';
import { BLOOD_PRESSURE, MEASUREMENT_SETS, MEASUREMENTS, SMOKING_STATUS, type MeasurementKey, type ObservationCategory } from './observation-vocabulary.ts';
import { concept, reference, snomed, System, ucumQuantity, type ConceptValue, type ReferenceValue } from './terminology.ts';
import { atUkLocalTime, DAY_MS, formatUkDateTime, HOUR_MS, MINUTE_MS, utcDayStart, YEAR_MS } from './uk-time.ts';

const CATEGORY_DISPLAY: Readonly<Record<ObservationCategory, string>> = { 'vital-signs': 'Vital Signs', laboratory: 'Laboratory', survey: 'Survey', 'social-history': 'Social History' };

interface Taken {
  atMs: number;
  encounterId?: string;
  performer: ReferenceValue;
  /** acutely unwell at the time: fever, fast pulse, lower saturation */
  unwell: boolean;
}

function category(code: ObservationCategory): ConceptValue[] {
  return [concept(System.observationCategory, code, CATEGORY_DISPLAY[code])];
}

function heightAt(ctx: RecordContext, atMs: number): number {
  const age = (atMs - ctx.profile.birthMs) / YEAR_MS;
  const adult = ctx.profile.physiology.adultHeightCm;
  // A rough growth curve: 50 cm at birth, 75 at one, 87 at two, then about 6 cm a year to adult height.
  const child = age < 1 ? 50 + 25 * age : age < 2 ? 75 + 12 * (age - 1) : 87 + 6 * (age - 2);
  return Math.min(adult, child);
}

function valueOf(ctx: RecordContext, key: MeasurementKey, taken: Taken): number {
  const { random, profile } = ctx;
  const p = profile.physiology;
  const age = (taken.atMs - profile.birthMs) / YEAR_MS;
  const male = !profile.female;
  switch (key) {
    case 'heartRate': return random.clampedNormal(p.heartRate + (taken.unwell ? 14 : 0), 6, 35, 190);
    case 'respiratoryRate': return random.clampedNormal((age < 12 ? 24 - age : 16) + (taken.unwell ? 5 : 0), 2, 8, 45);
    case 'temperature': return taken.unwell && random.chance(0.6) ? random.clampedNormal(38.1, 0.6, 37.3, 40.5) : random.clampedNormal(36.8, 0.3, 35.5, 37.6);
    case 'oxygenSaturation': return random.clampedNormal(p.oxygenSaturation - (taken.unwell ? 3 : 0), 1, 80, 100);
    case 'bodyHeight': return heightAt(ctx, taken.atMs) + random.normal(0, 0.5);
    case 'bodyWeight': return (p.bmi + random.normal(0, 0.6)) * (heightAt(ctx, taken.atMs) / 100) ** 2;
    case 'bmi': return p.bmi + random.normal(0, 0.5);
    case 'hba1c': return random.clampedNormal(p.hba1c, 4, 20, 130);
    case 'egfr': return random.clampedNormal(p.egfr - (taken.unwell ? 8 : 0), 4, 5, 150);
    case 'creatinine': return random.clampedNormal((male ? 88 : 72) * (95 / Math.max(10, p.egfr)) * (taken.unwell ? 1.15 : 1), 6, 30, 900);
    case 'cholesterol': return random.clampedNormal(p.cholesterol, 0.4, 2, 12);
    case 'haemoglobin': return random.clampedNormal(p.haemoglobin - (taken.unwell ? 6 : 0), 6, 60, 200);
    case 'sodium': return random.clampedNormal(139, 2.5, 120, 155);
    case 'potassium': return random.clampedNormal(4.3, 0.35, 2.8, 6.5);
    case 'glucose': return hasCondition(profile, 'diabetes') ? random.clampedNormal(8.8, 2.4, 3.5, 25) : random.clampedNormal(5.3, 0.7, 3.2, 9);
    case 'phq9': return random.clampedNormal(p.phq9, 3, 0, 27);
    case 'gad7': return random.clampedNormal(p.gad7, 3, 0, 21);
  }
}

function measurement(ctx: RecordContext, key: MeasurementKey, taken: Taken): Resource {
  const definition: { loinc: string; display: string; category: ObservationCategory; unit: string; ucum: string; decimals: number; referenceRange?: { low?: number; high?: number } } = MEASUREMENTS[key];
  const raw = valueOf(ctx, key, taken);
  const factor = 10 ** definition.decimals;
  const value = Math.round(raw * factor) / factor;
  const range = definition.referenceRange;
  const lab = definition.category === 'laboratory';
  const interpretation = range && (range.low !== undefined && value < range.low ? ['L', 'Low'] : range.high !== undefined && value > range.high ? ['H', 'High'] : ['N', 'Normal']);
  const quantity = (v: number) => ucumQuantity(v, definition.unit, definition.ucum, definition.decimals);
  return {
    resourceType: 'Observation',
    id: ctx.nextId(),
    status: 'final',
    category: category(definition.category),
    code: concept(System.loinc, definition.loinc, definition.display),
    subject: ctx.patient,
    ...(taken.encounterId ? { encounter: reference('Encounter', taken.encounterId) } : {}),
    effectiveDateTime: formatUkDateTime(taken.atMs),
    // Laboratory results are issued hours after the sample; bedside readings at once.
    issued: formatUkDateTime(taken.atMs + (lab ? ctx.random.int(2, 30) * HOUR_MS : MINUTE_MS)),
    performer: [taken.performer],
    ...(definition.category === 'survey' ? { valueInteger: Math.round(value) } : { valueQuantity: quantity(value) }),
    ...(lab && interpretation ? { interpretation: [concept(System.interpretation, interpretation[0] ?? 'N', interpretation[1])] } : {}),
    ...(lab && range ? { referenceRange: [{ ...(range.low !== undefined ? { low: quantity(range.low) } : {}), ...(range.high !== undefined ? { high: quantity(range.high) } : {}) }] } : {}),
  };
}

function bloodPressure(ctx: RecordContext, taken: Taken): Resource {
  const { random, profile } = ctx;
  const systolic = Math.round(random.clampedNormal(profile.physiology.systolic + (taken.unwell ? -6 : 0), 8, 70, 230));
  const diastolic = Math.round(Math.min(systolic - 15, random.clampedNormal(profile.physiology.diastolic, 6, 40, 130)));
  const component = (code: { loinc: string; display: string }, value: number) => ({ code: concept(System.loinc, code.loinc, code.display), valueQuantity: ucumQuantity(value, 'mm[Hg]', 'mm[Hg]', 0) });
  return {
    resourceType: 'Observation',
    id: ctx.nextId(),
    status: 'final',
    category: category('vital-signs'),
    code: concept(System.loinc, BLOOD_PRESSURE.panel.loinc, BLOOD_PRESSURE.panel.display),
    subject: ctx.patient,
    ...(taken.encounterId ? { encounter: reference('Encounter', taken.encounterId) } : {}),
    effectiveDateTime: formatUkDateTime(taken.atMs),
    issued: formatUkDateTime(taken.atMs + MINUTE_MS),
    performer: [taken.performer],
    component: [component(BLOOD_PRESSURE.systolic, systolic), component(BLOOD_PRESSURE.diastolic, diastolic)],
  };
}

function smokingStatus(ctx: RecordContext, taken: Taken): Resource | undefined {
  const status = ctx.profile.smoking;
  if (!status) return undefined;
  const [code, display] = SMOKING_STATUS.values[status];
  return {
    resourceType: 'Observation',
    id: ctx.nextId(),
    status: 'final',
    category: category('social-history'),
    code: concept(System.loinc, SMOKING_STATUS.loinc, SMOKING_STATUS.display),
    subject: ctx.patient,
    ...(taken.encounterId ? { encounter: reference('Encounter', taken.encounterId) } : {}),
    effectiveDateTime: formatUkDateTime(taken.atMs),
    performer: [taken.performer],
    valueCodeableConcept: snomed(code, display),
  };
}

type Item = MeasurementKey | 'bloodPressure' | 'smoking';

function* emit(ctx: RecordContext, items: readonly Item[], taken: Taken): Generator<Resource> {
  for (const item of items) {
    if (item === 'bloodPressure') yield bloodPressure(ctx, taken);
    else if (item === 'smoking') {
      const smoking = smokingStatus(ctx, taken);
      if (smoking) yield smoking;
    } else yield measurement(ctx, item, taken);
  }
}

/** What a contact of this kind measures for this patient. */
function itemsFor(ctx: RecordContext, event: ContactEvent): Item[] {
  const { random, profile } = ctx;
  const about = (key: Parameters<typeof hasCondition>[1]) => event.about.includes(key);
  const items: Item[] = [];
  const add = (chance: number, ...more: Item[]) => {
    if (random.chance(chance)) items.push(...more);
  };
  const adult = profile.age >= 16;
  switch (event.contact) {
    case 'health-check':
      items.push('bloodPressure', 'heartRate', 'bodyHeight', 'bodyWeight', 'bmi', 'smoking', 'cholesterol');
      add(0.5, 'hba1c');
      break;
    case 'long-term-review':
      add(0.9, 'bloodPressure');
      if (about('diabetes') || about('heart-failure') || hasCondition(profile, 'obesity')) add(0.8, 'bodyWeight', 'bmi');
      if (about('diabetes')) items.push('hba1c');
      if (about('diabetes') || about('ckd') || about('hypertension')) add(0.7, 'creatinine', 'egfr');
      if (about('diabetes') || about('previous-mi') || about('previous-stroke')) add(0.6, 'cholesterol');
      if (about('copd') || about('asthma')) add(0.8, 'oxygenSaturation', 'respiratoryRate');
      if (about('atrial-fibrillation') || about('heart-failure')) items.push('heartRate');
      if (about('depression')) add(0.8, 'phq9');
      if (about('psychosis')) add(0.8, 'bodyWeight', 'hba1c');
      add(0.3, 'smoking');
      break;
    case 'gp-face':
      if (event.acute) add(0.7, 'temperature', 'heartRate');
      if (event.acute) add(0.45, 'oxygenSaturation', 'respiratoryRate');
      add(adult ? 0.55 : 0.05, 'bloodPressure');
      add(adult ? 0.3 : 0.15, 'bodyWeight', 'bmi');
      if (!event.acute) add(0.35, 'heartRate');
      if (about('depression')) add(0.7, 'phq9');
      if (about('anxiety')) add(0.7, 'gad7');
      if (event.diagnoses.length > 0) add(0.8, 'bloodPressure', 'heartRate');
      break;
    case 'gp-phone':
    case 'gp-video':
      if (about('depression')) add(0.5, 'phq9');
      if (about('anxiety')) add(0.5, 'gad7');
      // Readings the patient took at home and reported during the call.
      add(adult ? 0.15 : 0, 'bloodPressure');
      add(adult ? 0.08 : 0, 'bodyWeight');
      break;
    case 'gp-home-visit':
      add(0.7, 'bloodPressure', 'heartRate');
      add(0.4, 'oxygenSaturation');
      add(0.3, 'temperature');
      break;
    case 'outpatient':
      items.push('bloodPressure', 'heartRate');
      add(0.5, 'bodyWeight');
      if (about('copd') || about('asthma') || event.fulfils?.definition.key === 'respiratory') items.push('oxygenSaturation', 'respiratoryRate');
      add(0.3, 'creatinine', 'egfr', 'haemoglobin');
      break;
    case 'mental-health':
      add(0.8, 'phq9');
      add(0.6, 'gad7');
      break;
    case 'social-care-visit':
      break;
    case 'emergency':
      items.push(...MEASUREMENT_SETS.earlyWarning, 'bloodPressure');
      add(0.45, ...MEASUREMENT_SETS.admissionBloods);
      break;
    case 'admission':
      break; // measured over the stay, see admissionObservations
  }
  return items;
}

/** Observations taken at a contact (an admission's are spread over the stay). */
export function* contactObservations(ctx: RecordContext, event: ContactEvent, encounterId: string, performer: ReferenceValue, nurse: ReferenceValue): Generator<Resource> {
  const unwell = event.acute !== undefined || event.contact === 'emergency' || (event.about.length > 0 && event.contact !== 'long-term-review');
  if (event.contact !== 'admission') {
    yield* emit(ctx, itemsFor(ctx, event), { atMs: event.atMs + ctx.random.int(1, 8) * MINUTE_MS, encounterId, performer, unwell });
    return;
  }
  // Early warning observations twice a day (capped), bloods on admission and often before discharge.
  const stayEnd = Math.min(event.endMs, ctx.plan.asOfMs);
  yield* emit(ctx, MEASUREMENT_SETS.admissionBloods, { atMs: event.atMs + HOUR_MS, encounterId, performer, unwell: true });
  const rounds = Math.min(12, Math.floor((stayEnd - event.atMs) / (12 * HOUR_MS)));
  for (let round = 0; round < rounds; round++) {
    const atMs = event.atMs + (round * 12 + ctx.random.int(2, 6)) * HOUR_MS;
    yield* emit(ctx, [...MEASUREMENT_SETS.earlyWarning, 'bloodPressure'], { atMs, encounterId, performer: nurse, unwell: round < rounds / 2 });
  }
  if (event.endMs <= ctx.plan.asOfMs && ctx.random.chance(0.5)) {
    yield* emit(ctx, MEASUREMENT_SETS.kidneyFunction, { atMs: Math.max(event.atMs + 2 * HOUR_MS, event.endMs - 6 * HOUR_MS), encounterId, performer, unwell: false });
  }
}

/** Home readings on the virtual ward: every day or every other day, performed by the patient. */
export function* monitoringObservations(ctx: RecordContext, startMs: number, days: number): Generator<Resource> {
  const everyOtherDay = ctx.random.chance(0.5);
  const heartFailure = hasCondition(ctx.profile, 'heart-failure');
  const end = Math.min(startMs + days * DAY_MS, ctx.profile.activeToMs);
  const items: Item[] = heartFailure ? ['heartRate', 'bloodPressure', 'oxygenSaturation', 'bodyWeight'] : ['heartRate', 'bloodPressure', 'oxygenSaturation'];
  for (let day = utcDayStart(startMs) + DAY_MS; day < end; day += (everyOtherDay ? 2 : 1) * DAY_MS) {
    const atMs = atUkLocalTime(day, ctx.random.int(7 * 60, 10 * 60));
    if (atMs >= end) break;
    yield* emit(ctx, items, { atMs, performer: ctx.patient, unwell: false });
  }
}
