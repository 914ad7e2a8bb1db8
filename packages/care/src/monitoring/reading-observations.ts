/**
 * A reading set as FHIR vital-signs Observations (decision 0016, "Measures and codes"; FHIR R4
 * Observation, http://hl7.org/fhir/R4/observation.html and the vital signs profile,
 * http://hl7.org/fhir/R4/observation-vitalsigns.html): one per value, LOINC coded with UCUM units,
 * the way it arrived as `method`, and the set's identifier (SHA-256 of patient, time taken and
 * values) shared by all of them and by the NEWS2 score made from them. And back: the values of
 * stored Observations, for NEWS2 from recent readings and for the dashboard.
 *
 * Pure, apart from hashing. Nothing here reads or writes the record.
 */
import { createHash } from 'node:crypto';
import { FhirError, type Resource, type StoredResource } from '@kindred/fhir';
import { Consciousness, Measure, type ReadingSource, type News2Result, type ReadingSetInput, type ReadingValues } from './monitoring-api.ts';
import {
  BP_DIASTOLIC,
  BP_SYSTOLIC,
  CONSCIOUSNESS_WORDS,
  LATE_READING_EXTENSION,
  MEASURES,
  MONITORING_CODE_SYSTEM,
  NEWS2_CODE,
  OBSERVATION_CATEGORY_SYSTEM,
  ON_OXYGEN_EXTENSION,
  READING_METHOD_SYSTEM,
  READING_SET_SYSTEM,
  UCUM,
} from './monitoring-vocabulary.ts';
import { PLAUSIBLE } from './news2.ts';
import { measureOfCode } from './monitoring-plan.ts';

export const ACVPU_SYSTEM = `${MONITORING_CODE_SYSTEM}-acvpu`;

const METHOD_WORDS: Readonly<Record<ReadingSource, string>> = { web: 'Sent by the web form', sms: 'Sent by text message', 'staff-phone': 'Entered by staff during a phone call' };

/** Refuses a set with nothing in it, or a value no person could have (UNPROCESSABLE, naming it). */
export function checkReadingValues(values: ReadingValues): void {
  const numbers: [keyof typeof PLAUSIBLE | 'diastolic' | 'weight', number | undefined, string][] = [
    ['spo2', values.spo2, 'SpO2'],
    ['pulse', values.pulse, 'Pulse'],
    ['temperature', values.temperature, 'Temperature'],
    ['respiratoryRate', values.respiratoryRate, 'Breathing rate'],
    ['systolic', values.bloodPressure?.systolic, 'Systolic blood pressure'],
    ['diastolic', values.bloodPressure?.diastolic, 'Diastolic blood pressure'],
    ['weight', values.weight, 'Weight'],
  ];
  const limits = { ...PLAUSIBLE, diastolic: { min: 0, max: 200, unit: 'mmHg' }, weight: { min: 1, max: 400, unit: 'kg' } } as const;
  for (const [key, value, words] of numbers) {
    if (value === undefined) continue;
    const range = limits[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max) {
      throw new FhirError('UNPROCESSABLE', `${words} of ${String(value)} is not a possible reading: it must be between ${range.min} and ${range.max} ${range.unit}.`, { expression: [`values.${key}`] });
    }
  }
  if (values.bloodPressure !== undefined && values.bloodPressure.diastolic >= values.bloodPressure.systolic) {
    throw new FhirError('UNPROCESSABLE', 'The top number of a blood pressure (systolic) must be higher than the bottom one (diastolic).', { expression: ['values.bloodPressure'] });
  }
  if (values.consciousness !== undefined && !Object.values(Consciousness).includes(values.consciousness)) {
    throw new FhirError('UNPROCESSABLE', 'Consciousness must be one of A, C, V, P or U (ACVPU).', { expression: ['values.consciousness'] });
  }
  if (Object.values(values).every((v) => v === undefined)) throw new FhirError('UNPROCESSABLE', 'There are no readings to record.', { expression: ['values'] });
}

/** The values with their keys in one order, so the same set always hashes the same. */
function canonicalValues(values: ReadingValues): Record<string, unknown> {
  const keys = ['spo2', 'pulse', 'bloodPressure', 'temperature', 'respiratoryRate', 'weight', 'consciousness', 'onOxygen', 'symptomsWorse'] as const;
  return Object.fromEntries(
    keys.flatMap((k) => {
      const v = values[k];
      if (v === undefined) return [];
      return [[k, typeof v === 'object' ? { systolic: v.systolic, diastolic: v.diastolic } : v]];
    }),
  );
}

/** Decision 0016: the SHA-256 of the patient, the time taken and the values. */
export function readingSetId(patientId: string, takenAt: string, values: ReadingValues): string {
  const text = JSON.stringify({ patient: `Patient/${patientId}`, takenAt: new Date(takenAt).toISOString(), values: canonicalValues(values) });
  return createHash('sha256').update(text).digest('hex');
}

const quantity = (value: number, unit: { code: string; text: string }) => ({ value, unit: unit.text, system: UCUM, code: unit.code });

export interface ObservationContext {
  input: ReadingSetInput;
  setId: string;
  carePlanId: string;
  late: boolean;
}

function common(context: ObservationContext, measure: Measure): Resource {
  const { input } = context;
  const definition = MEASURES[measure];
  return {
    resourceType: 'Observation',
    status: 'final',
    identifier: [{ system: READING_SET_SYSTEM, value: context.setId }],
    basedOn: [{ reference: `CarePlan/${context.carePlanId}` }],
    category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'vital-signs', display: 'Vital Signs' }] }],
    code: { coding: [{ ...definition.code }], text: definition.label },
    subject: { reference: `Patient/${input.patientId}` },
    effectiveDateTime: new Date(input.takenAt).toISOString(),
    issued: new Date(input.receivedAt).toISOString(),
    performer: [{ ...input.enteredBy }],
    method: { coding: [{ system: READING_METHOD_SYSTEM, code: input.source }], text: METHOD_WORDS[input.source] },
    ...(context.late ? { extension: [{ url: LATE_READING_EXTENSION, valueBoolean: true }] } : {}),
  };
}

/** One Observation per value of the set (not yet stored). */
export function readingObservations(context: ObservationContext): Resource[] {
  const v = context.input.values;
  const out: Resource[] = [];
  const numeric = (measure: Measure, value: number | undefined) => {
    if (value === undefined) return;
    out.push({ ...common(context, measure), valueQuantity: quantity(value, MEASURES[measure].unit!) });
  };
  numeric(Measure.spo2, v.spo2);
  numeric(Measure.pulse, v.pulse);
  if (v.bloodPressure !== undefined) {
    const unit = MEASURES[Measure.bloodPressure].unit!;
    out.push({
      ...common(context, Measure.bloodPressure),
      component: [
        { code: { coding: [{ ...BP_SYSTOLIC }] }, valueQuantity: quantity(v.bloodPressure.systolic, unit) },
        { code: { coding: [{ ...BP_DIASTOLIC }] }, valueQuantity: quantity(v.bloodPressure.diastolic, unit) },
      ],
    });
  }
  numeric(Measure.temperature, v.temperature);
  numeric(Measure.respiratoryRate, v.respiratoryRate);
  numeric(Measure.weight, v.weight);
  if (v.consciousness !== undefined) {
    out.push({ ...common(context, Measure.consciousness), valueCodeableConcept: { coding: [{ system: ACVPU_SYSTEM, code: v.consciousness, display: CONSCIOUSNESS_WORDS[v.consciousness] }], text: CONSCIOUSNESS_WORDS[v.consciousness] } });
  }
  if (v.onOxygen !== undefined) {
    const base = common(context, Measure.onOxygen);
    // 3150-0 is a concentration; whether oxygen is on is a yes/no, so it goes in Kindred's extension (decision 0016)
    out.push({ ...base, extension: [...((base.extension as object[] | undefined) ?? []), { url: ON_OXYGEN_EXTENSION, valueBoolean: v.onOxygen }] });
  }
  if (v.symptomsWorse !== undefined) out.push({ ...common(context, Measure.symptomsWorse), valueBoolean: v.symptomsWorse });
  return out;
}

/** The NEWS2 Observation (SNOMED CT 1104051000000101), derived from the readings it was made from. */
export function news2Observation(context: ObservationContext, score: News2Result, derivedFrom: readonly StoredResource[]): Resource {
  const { input } = context;
  return {
    resourceType: 'Observation',
    status: 'final',
    identifier: [{ system: READING_SET_SYSTEM, value: context.setId }],
    basedOn: [{ reference: `CarePlan/${context.carePlanId}` }],
    category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'survey', display: 'Survey' }] }],
    code: { coding: [{ ...NEWS2_CODE }], text: 'NEWS2 score' },
    subject: { reference: `Patient/${input.patientId}` },
    effectiveDateTime: new Date(input.takenAt).toISOString(),
    issued: new Date(input.receivedAt).toISOString(),
    valueInteger: score.total,
    interpretation: [{ coding: [{ system: `${MONITORING_CODE_SYSTEM}-news2-risk`, code: score.band }], text: `${score.band} clinical risk` }],
    note: [{ text: `${score.response} Scored from readings taken at home: it supports clinical judgement and does not replace it.` }],
    component: Object.entries(score.parameters).map(([parameter, value]) => ({ code: { coding: [{ system: `${MONITORING_CODE_SYSTEM}-news2-parameter`, code: parameter }] }, valueInteger: value as number })),
    derivedFrom: derivedFrom.map((o) => ({ reference: `Observation/${o.id}` })),
    ...(context.late ? { extension: [{ url: LATE_READING_EXTENSION, valueBoolean: true }] } : {}),
  };
}

export const isNews2 = (o: Resource): boolean => (o.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding?.some((c) => c.system === NEWS2_CODE.system && c.code === NEWS2_CODE.code) === true;

export const effectiveOf = (o: Resource): string => (typeof o.effectiveDateTime === 'string' ? o.effectiveDateTime : '');

export const setIdOf = (o: Resource): string | undefined => (o.identifier as { system?: string; value?: string }[] | undefined)?.find((i) => i.system === READING_SET_SYSTEM)?.value;

/** The measure an Observation records, and its value as a ReadingValues part. */
export function valuesOfObservation(o: Resource): { measure: Measure; values: ReadingValues } | undefined {
  const measure = measureOfCode((o.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding?.[0]);
  if (measure === undefined) return undefined;
  const q = (o.valueQuantity as { value?: number } | undefined)?.value;
  switch (measure) {
    case Measure.bloodPressure: {
      const components = (o.component as { code?: { coding?: { code?: string }[] }; valueQuantity?: { value?: number } }[] | undefined) ?? [];
      const part = (code: string) => components.find((c) => c.code?.coding?.some((x) => x.code === code))?.valueQuantity?.value;
      const systolic = part(BP_SYSTOLIC.code);
      const diastolic = part(BP_DIASTOLIC.code);
      return systolic !== undefined && diastolic !== undefined ? { measure, values: { bloodPressure: { systolic, diastolic } } } : undefined;
    }
    case Measure.consciousness: {
      const code = (o.valueCodeableConcept as { coding?: { code?: string }[] } | undefined)?.coding?.[0]?.code;
      return Object.values(Consciousness).includes(code as Consciousness) ? { measure, values: { consciousness: code as Consciousness } } : undefined;
    }
    case Measure.onOxygen: {
      const on = (o.extension as { url?: string; valueBoolean?: boolean }[] | undefined)?.find((e) => e.url === ON_OXYGEN_EXTENSION)?.valueBoolean;
      return on === undefined ? undefined : { measure, values: { onOxygen: on } };
    }
    case Measure.symptomsWorse:
      return typeof o.valueBoolean === 'boolean' ? { measure, values: { symptomsWorse: o.valueBoolean } } : undefined;
    case Measure.spo2:
      return q === undefined ? undefined : { measure, values: { spo2: q } };
    case Measure.pulse:
      return q === undefined ? undefined : { measure, values: { pulse: q } };
    case Measure.temperature:
      return q === undefined ? undefined : { measure, values: { temperature: q } };
    case Measure.respiratoryRate:
      return q === undefined ? undefined : { measure, values: { respiratoryRate: q } };
    case Measure.weight:
      return q === undefined ? undefined : { measure, values: { weight: q } };
  }
}

/** The measures present in a set of values. */
export function measuresIn(values: ReadingValues): Measure[] {
  const map: [keyof ReadingValues, Measure][] = [
    ['spo2', Measure.spo2],
    ['pulse', Measure.pulse],
    ['bloodPressure', Measure.bloodPressure],
    ['temperature', Measure.temperature],
    ['respiratoryRate', Measure.respiratoryRate],
    ['weight', Measure.weight],
    ['consciousness', Measure.consciousness],
    ['onOxygen', Measure.onOxygen],
    ['symptomsWorse', Measure.symptomsWorse],
  ];
  return map.filter(([k]) => values[k] !== undefined).map(([, m]) => m);
}

