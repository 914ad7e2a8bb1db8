/**
 * The words of the virtual ward's pages in one place: each measure's name, unit and hint (for the
 * person and for staff), the colours as tags with words (never colour alone), NEWS2 bands and how
 * a reading arrived. Pure: closed sets and small functions; nothing here reads the record.
 */
import { Measure, News2Band, RagColour, ReadingSource } from '@kindred/care';
import type { SafeHtml } from '../../pages/html.ts';
import { tag, type TagColour } from '../components.ts';

export interface MeasureWords {
  /** for staff: "SpO2" */
  label: string;
  /** for the person: "Oxygen level (SpO2)" */
  personLabel: string;
  /** after the value in the chart's words: "%" */
  unit: string;
  /** under the field on the form */
  hint: string;
}

export const MEASURE_WORDS: Readonly<Record<Measure, MeasureWords>> = {
  [Measure.spo2]: { label: 'SpO2', personLabel: 'Oxygen level (SpO2)', unit: '%', hint: 'The number next to SpO2 or % on your pulse oximeter, for example 96' },
  [Measure.pulse]: { label: 'Pulse', personLabel: 'Pulse (heart rate)', unit: 'beats a minute', hint: 'Beats a minute, for example 72. Your pulse oximeter shows it too' },
  [Measure.bloodPressure]: { label: 'Blood pressure', personLabel: 'Blood pressure', unit: 'mmHg', hint: 'The top number (systolic) and the bottom number (diastolic), for example 128 and 82' },
  [Measure.temperature]: { label: 'Temperature', personLabel: 'Temperature', unit: '°C', hint: 'In degrees Celsius, for example 37.2' },
  [Measure.respiratoryRate]: { label: 'Respiratory rate', personLabel: 'Breaths a minute', unit: 'breaths a minute', hint: 'Count your breaths for a whole minute while resting, for example 16' },
  [Measure.weight]: { label: 'Weight', personLabel: 'Weight', unit: 'kg', hint: 'In kilograms, for example 72.5. Weigh yourself at the same time each day' },
  [Measure.consciousness]: { label: 'Consciousness (ACVPU)', personLabel: 'How alert they are', unit: '', hint: 'Alert, new confusion, responds to voice, responds to pain, or unresponsive' },
  [Measure.onOxygen]: { label: 'On oxygen', personLabel: 'Using oxygen now', unit: '', hint: 'Are you breathing oxygen from a cylinder or concentrator right now?' },
  [Measure.symptomsWorse]: { label: 'Symptoms worse', personLabel: 'Breathing or symptoms worse', unit: '', hint: 'Is your breathing, or how you feel, worse than yesterday?' },
};

/** The measures in the order the forms and tables show them. */
export const MEASURE_ORDER: readonly Measure[] = [
  Measure.spo2,
  Measure.pulse,
  Measure.bloodPressure,
  Measure.temperature,
  Measure.respiratoryRate,
  Measure.weight,
  Measure.consciousness,
  Measure.onOxygen,
  Measure.symptomsWorse,
];

/** Measures drawn as a trend (numbers); the yes/no and ACVPU answers are shown in the table only. */
export const CHARTED: ReadonlySet<Measure> = new Set([Measure.spo2, Measure.pulse, Measure.bloodPressure, Measure.temperature, Measure.respiratoryRate, Measure.weight]);

/** Measures with thresholds a clinician sets on enrolment (numbers; blood pressure on the systolic). */
export const THRESHOLD_MEASURES: readonly Measure[] = [Measure.spo2, Measure.pulse, Measure.bloodPressure, Measure.temperature, Measure.respiratoryRate, Measure.weight];

const RAG_TAG: Readonly<Record<RagColour, { text: string; colour: TagColour }>> = {
  [RagColour.red]: { text: 'Red', colour: 'red' },
  [RagColour.amber]: { text: 'Amber', colour: 'orange' },
  [RagColour.green]: { text: 'Green', colour: 'green' },
};

/** The colour as an NHS.UK tag with its word. */
export function ragTag(colour: RagColour, suffix = ''): SafeHtml {
  const t = RAG_TAG[colour];
  return tag(`${t.text}${suffix}`, t.colour);
}

export const NEWS2_BAND_WORDS: Readonly<Record<News2Band, string>> = {
  [News2Band.low]: 'low',
  [News2Band.lowMedium]: 'low–medium',
  [News2Band.medium]: 'medium',
  [News2Band.high]: 'high',
};

export const SOURCE_WORDS: Readonly<Record<ReadingSource, string>> = {
  [ReadingSource.web]: 'Web form',
  [ReadingSource.sms]: 'Text message',
  [ReadingSource.staffPhone]: 'Phone call with staff',
};
