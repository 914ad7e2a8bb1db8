/**
 * The form for one set of readings, used by the person (/app/person/readings) and by staff taking
 * them on the phone: one field per measure of the person's plan (and only those), each with its
 * hint and unit, its error beside it and what was typed kept. Parsing turns the fields into the
 * monitoring service's ReadingValues or says, field by field, what to fix.
 *
 * Pure: fields in, values or errors out; the ranges here only catch typing slips (a value the body
 * cannot have). Whether a value is worrying is for the plan's thresholds, not this file.
 */
import { Consciousness, Measure, type ReadingValues } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { radios, textInput, type FieldError } from '../components.ts';
import { fieldText, type FormFields } from '../web-context.ts';
import { MEASURE_ORDER, MEASURE_WORDS } from './ward-words.ts';

export type FormAudience = 'person' | 'staff';

interface NumberField {
  name: string;
  /** the smallest and largest value a body can have (typing slips beyond these) */
  min: number;
  max: number;
  /** whole numbers only */
  whole: boolean;
}

const NUMBER_FIELDS: Partial<Record<Measure, NumberField>> = {
  [Measure.spo2]: { name: 'spo2', min: 50, max: 100, whole: true },
  [Measure.pulse]: { name: 'pulse', min: 20, max: 250, whole: true },
  [Measure.temperature]: { name: 'temperature', min: 30, max: 44, whole: false },
  [Measure.respiratoryRate]: { name: 'respiratory-rate', min: 3, max: 70, whole: true },
  [Measure.weight]: { name: 'weight', min: 2, max: 400, whole: false },
};

const SYSTOLIC: NumberField = { name: 'systolic', min: 50, max: 300, whole: true };
const DIASTOLIC: NumberField = { name: 'diastolic', min: 20, max: 200, whole: true };

const CONSCIOUSNESS_ITEMS = [
  { value: Consciousness.alert, text: 'Alert' },
  { value: Consciousness.newConfusion, text: 'New confusion' },
  { value: Consciousness.voice, text: 'Responds to voice' },
  { value: Consciousness.pain, text: 'Responds to pain' },
  { value: Consciousness.unresponsive, text: 'Unresponsive' },
];

const YES_NO = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
];

/** The measures of a plan in the form's order. */
export function formMeasures(planned: readonly Measure[]): Measure[] {
  return MEASURE_ORDER.filter((m) => planned.includes(m));
}

function labelOf(measure: Measure, audience: FormAudience): string {
  const words = MEASURE_WORDS[measure];
  const label = audience === 'person' ? words.personLabel : words.label;
  return words.unit !== '' && words.unit !== '%' ? `${label} (${words.unit})` : words.unit === '%' ? `${label} (%)` : label;
}

/** The fields of the plan's measures, with what was typed and the errors beside each. */
export function readingFields(planned: readonly Measure[], typed: FormFields, errors: readonly FieldError[], audience: FormAudience): SafeHtml {
  return html`${formMeasures(planned).map((measure) => {
    const words = MEASURE_WORDS[measure];
    const field = NUMBER_FIELDS[measure];
    if (field !== undefined) {
      return textInput({ id: field.name, label: labelOf(measure, audience), hint: words.hint, value: fieldText(typed, field.name), errors, width: 4, inputmode: field.whole ? 'numeric' : 'text' });
    }
    if (measure === Measure.bloodPressure) {
      return html`<fieldset class="nhsuk-fieldset" aria-describedby="blood-pressure-hint">
  <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${labelOf(measure, audience)}</legend>
  <div class="nhsuk-hint" id="blood-pressure-hint">${words.hint}</div>
  ${textInput({ id: SYSTOLIC.name, label: 'Top number (systolic)', value: fieldText(typed, SYSTOLIC.name), errors, width: 3, inputmode: 'numeric' })}
  ${textInput({ id: DIASTOLIC.name, label: 'Bottom number (diastolic)', value: fieldText(typed, DIASTOLIC.name), errors, width: 3, inputmode: 'numeric' })}
</fieldset>`;
    }
    if (measure === Measure.consciousness) {
      return radios({ name: 'consciousness', legend: labelOf(measure, audience), hint: words.hint, items: CONSCIOUSNESS_ITEMS, value: fieldText(typed, 'consciousness'), errors, small: true });
    }
    const name = measure === Measure.onOxygen ? 'on-oxygen' : 'symptoms-worse';
    return radios({ name, legend: labelOf(measure, audience), hint: words.hint, items: YES_NO, value: fieldText(typed, name), errors, inline: true, small: true });
  })}`;
}

function readNumber(fields: FormFields, field: NumberField, label: string, errors: FieldError[]): number | undefined {
  const text = fieldText(fields, field.name).trim().replace(/,/g, '.');
  if (text === '') return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) {
    errors.push({ field: field.name, message: `Enter ${label.toLowerCase()} as a number, for example ${field.whole ? Math.round((field.min + field.max) / 2) : ((field.min + field.max) / 2).toFixed(1)}` });
    return undefined;
  }
  if (field.whole && !Number.isInteger(value)) {
    errors.push({ field: field.name, message: `Enter ${label.toLowerCase()} as a whole number` });
    return undefined;
  }
  if (value < field.min || value > field.max) {
    errors.push({ field: field.name, message: `${label} must be between ${field.min} and ${field.max}. Check the number and try again` });
    return undefined;
  }
  return value;
}

export type ParsedReadings = { values: ReadingValues } | { errors: FieldError[] };

/** The form's values for the plan's measures; a measure left blank is not sent; at least one is needed. */
export function parseReadingsForm(fields: FormFields, planned: readonly Measure[], audience: FormAudience): ParsedReadings {
  const errors: FieldError[] = [];
  const values: { -readonly [K in keyof ReadingValues]: ReadingValues[K] } = {};
  const measures = formMeasures(planned);
  for (const measure of measures) {
    const label = audience === 'person' ? MEASURE_WORDS[measure].personLabel : MEASURE_WORDS[measure].label;
    const field = NUMBER_FIELDS[measure];
    if (field !== undefined) {
      const value = readNumber(fields, field, label, errors);
      if (value === undefined) continue;
      if (measure === Measure.spo2) values.spo2 = value;
      else if (measure === Measure.pulse) values.pulse = value;
      else if (measure === Measure.temperature) values.temperature = value;
      else if (measure === Measure.respiratoryRate) values.respiratoryRate = value;
      else values.weight = value;
    } else if (measure === Measure.bloodPressure) {
      const systolic = readNumber(fields, SYSTOLIC, 'The top number', errors);
      const diastolic = readNumber(fields, DIASTOLIC, 'The bottom number', errors);
      const typedSystolic = fieldText(fields, SYSTOLIC.name).trim() !== '';
      const typedDiastolic = fieldText(fields, DIASTOLIC.name).trim() !== '';
      if (typedSystolic && !typedDiastolic) errors.push({ field: DIASTOLIC.name, message: 'Enter the bottom number of the blood pressure too' });
      else if (!typedSystolic && typedDiastolic) errors.push({ field: SYSTOLIC.name, message: 'Enter the top number of the blood pressure too' });
      else if (systolic !== undefined && diastolic !== undefined) {
        if (diastolic >= systolic) errors.push({ field: SYSTOLIC.name, message: 'The top number must be bigger than the bottom number. Check you have not swapped them' });
        else values.bloodPressure = { systolic, diastolic };
      }
    } else if (measure === Measure.consciousness) {
      const answer = fieldText(fields, 'consciousness');
      if (answer === '') continue;
      const item = CONSCIOUSNESS_ITEMS.find((i) => i.value === answer);
      if (item === undefined) errors.push({ field: 'consciousness', message: 'Choose how alert they are' });
      else values.consciousness = item.value;
    } else {
      const name = measure === Measure.onOxygen ? 'on-oxygen' : 'symptoms-worse';
      const answer = fieldText(fields, name);
      if (answer === '') continue;
      if (answer !== 'yes' && answer !== 'no') errors.push({ field: name, message: 'Choose yes or no' });
      else if (measure === Measure.onOxygen) values.onOxygen = answer === 'yes';
      else values.symptomsWorse = answer === 'yes';
    }
  }
  if (errors.length > 0) return { errors };
  if (Object.keys(values).length === 0) {
    const first = measures[0];
    const id = first === undefined ? 'readings' : (NUMBER_FIELDS[first]?.name ?? (first === Measure.bloodPressure ? SYSTOLIC.name : first === Measure.consciousness ? 'consciousness' : first));
    return { errors: [{ field: id, message: audience === 'person' ? 'Enter at least one reading' : 'Enter at least one reading they gave you' }] };
  }
  return { values };
}
