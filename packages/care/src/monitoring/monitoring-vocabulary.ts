/**
 * The words of remote monitoring in the record (decision 0016): code systems, extension URLs, the
 * LOINC code and UCUM unit of each measure, and how each is named for people. Data only.
 */
import { Measure } from './monitoring-api.ts';

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const SNOMED = 'http://snomed.info/sct';
export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';

export const CARE_TEAM_CATEGORY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/care-team-category';
export const VIRTUAL_WARD = 'virtual-ward';
export const CARE_PLAN_CATEGORY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/care-plan-category';
export const REMOTE_MONITORING = 'remote-monitoring';
export const EPISODE_TYPE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/episode-of-care-type';
export const MONITORING_CODE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/remote-monitoring';
export const VIRTUAL_WARD_ALERT = 'virtual-ward-alert';
export const READING_METHOD_SYSTEM = 'https://kindred.health/fhir/CodeSystem/reading-method';
export const READING_SET_SYSTEM = 'https://kindred.health/fhir/sid/reading-set';

export const THRESHOLDS_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/monitoring-thresholds';
export const SPO2_SCALE_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/news2-spo2-scale';
export const HOME_OXYGEN_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/home-oxygen';
export const ON_OXYGEN_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/on-oxygen';
export const LATE_READING_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/late-reading';

/** SNOMED CT 1104051000000101 |Royal College of Physicians National Early Warning Score 2 (NEWS2) total score| */
export const NEWS2_CODE = { system: SNOMED, code: '1104051000000101', display: 'Royal College of Physicians National Early Warning Score 2 (NEWS2) total score' } as const;

export const BP_SYSTOLIC = { system: LOINC, code: '8480-6', display: 'Systolic blood pressure' } as const;
export const BP_DIASTOLIC = { system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' } as const;

export interface MeasureDefinition {
  readonly code: { readonly system: string; readonly code: string; readonly display: string };
  /** UCUM code and how it is written for people */
  readonly unit?: { readonly code: string; readonly text: string };
  /** for people: "Oxygen level (SpO2)" */
  readonly label: string;
  /** short, for the dashboard and text replies */
  readonly short: string;
}

/** Decision 0016, "Measures and codes". */
export const MEASURES: Readonly<Record<Measure, MeasureDefinition>> = {
  [Measure.spo2]: { code: { system: LOINC, code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' }, unit: { code: '%', text: '%' }, label: 'Oxygen level (SpO2)', short: 'SpO2' },
  [Measure.pulse]: { code: { system: LOINC, code: '8867-4', display: 'Heart rate' }, unit: { code: '/min', text: 'beats a minute' }, label: 'Pulse', short: 'Pulse' },
  [Measure.bloodPressure]: { code: { system: LOINC, code: '85354-9', display: 'Blood pressure panel with all children optional' }, unit: { code: 'mm[Hg]', text: 'mmHg' }, label: 'Blood pressure', short: 'BP' },
  [Measure.temperature]: { code: { system: LOINC, code: '8310-5', display: 'Body temperature' }, unit: { code: 'Cel', text: '°C' }, label: 'Temperature', short: 'Temp' },
  [Measure.respiratoryRate]: { code: { system: LOINC, code: '9279-1', display: 'Respiratory rate' }, unit: { code: '/min', text: 'breaths a minute' }, label: 'Breathing rate', short: 'RR' },
  [Measure.weight]: { code: { system: LOINC, code: '29463-7', display: 'Body weight' }, unit: { code: 'kg', text: 'kg' }, label: 'Weight', short: 'Weight' },
  [Measure.consciousness]: { code: { system: LOINC, code: '67775-7', display: 'Level of responsiveness' }, label: 'Alertness (ACVPU)', short: 'ACVPU' },
  [Measure.onOxygen]: { code: { system: LOINC, code: '3150-0', display: 'Inhaled oxygen concentration' }, label: 'On oxygen', short: 'On O2' },
  [Measure.symptomsWorse]: { code: { system: MONITORING_CODE_SYSTEM, code: 'symptoms-worse', display: 'Breathing or symptoms worse' }, label: 'Breathing or symptoms worse', short: 'Worse' },
};

export const CONSCIOUSNESS_WORDS = { A: 'alert', C: 'new confusion', V: 'responds to voice', P: 'responds to pain', U: 'unresponsive' } as const;
