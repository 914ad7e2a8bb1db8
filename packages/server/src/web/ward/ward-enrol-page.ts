/**
 * Enrolling a person on a virtual ward (decision 0016, "Enrolment"), as a form and its parsing:
 * the ward, the measures (checkboxes), how often, each measure's limits pre-filled with Kindred's
 * defaults, the SpO2 scale (scale 2 only on a clinician's decision, for hypercapnic respiratory
 * failure) and home oxygen. Errors sit beside their fields and what was typed is kept.
 *
 * Pure: the view in, the page out; the fields in, the enrolment's choices or errors out. The
 * monitoring service writes the CarePlan and EpisodeOfCare.
 */
import { DEFAULT_THRESHOLDS, Measure, type MeasurePlan, type Thresholds, type VirtualWard } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, button, checkboxes, form, insetText, radios, textInput, textarea, type FieldError } from '../components.ts';
import { fieldList, fieldText, type FormFields } from '../web-context.ts';
import { MEASURE_ORDER, MEASURE_WORDS, THRESHOLD_MEASURES } from './ward-words.ts';

export interface EnrolView {
  patientId: string;
  name: string;
  wards: readonly VirtualWard[];
  csrf: string;
  /** what was typed, after a failed post; absent: the defaults */
  typed?: FormFields;
  errors?: readonly FieldError[];
}

export interface EnrolChoices {
  wardId: string;
  measures: MeasurePlan[];
  spo2Scale: 1 | 2;
  homeOxygen: boolean;
  reason?: string;
}

const BOUNDS = ['redBelow', 'amberBelow', 'amberAbove', 'redAbove'] as const;
type Bound = (typeof BOUNDS)[number];
const BOUND_WORDS: Readonly<Record<Bound, string>> = { redBelow: 'Red at or below', amberBelow: 'Amber at or below', amberAbove: 'Amber at or above', redAbove: 'Red at or above' };

const DEFAULT_MEASURES: readonly Measure[] = [Measure.spo2, Measure.pulse, Measure.bloodPressure, Measure.temperature, Measure.respiratoryRate, Measure.symptomsWorse];
const FREQUENCIES = [
  { value: '1', text: 'Once a day' },
  { value: '2', text: 'Twice a day' },
  { value: '3', text: '3 times a day' },
  { value: '4', text: '4 times a day' },
];

const fieldOf = (measure: Measure, bound: Bound): string => `limit-${measure}-${bound}`;

function limitText(typed: FormFields | undefined, measure: Measure, bound: Bound): string {
  if (typed !== undefined) return fieldText(typed, fieldOf(measure, bound));
  const value = DEFAULT_THRESHOLDS[measure]?.[bound];
  return value === undefined ? '' : String(value);
}

function limitsFieldset(measure: Measure, typed: FormFields | undefined, errors: readonly FieldError[]): SafeHtml {
  const words = MEASURE_WORDS[measure];
  return html`<fieldset class="nhsuk-fieldset app-limits">
  <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${words.label}${words.unit !== '' ? ` (${words.unit})` : ''}${measure === Measure.bloodPressure ? ', top number (systolic)' : ''}</legend>
  <div class="app-limits__row">${BOUNDS.map((bound) => textInput({ id: fieldOf(measure, bound), label: BOUND_WORDS[bound], value: limitText(typed, measure, bound), errors, width: 4, inputmode: 'text' }))}</div>
</fieldset>`;
}

export function renderEnrolPage(view: EnrolView): { title: string; main: SafeHtml; errors?: readonly FieldError[] } {
  const typed = view.typed;
  const errors = view.errors ?? [];
  const title = `Enrol ${view.name} in a virtual ward`;
  if (view.wards.length === 0) {
    return {
      title,
      main: html`${backLink(`/app/staff/people/${encodeURIComponent(view.patientId)}`, 'Back to their record')}<h1>${title}</h1><p>Your organisation does not run a virtual ward in Kindred. A virtual ward is set up by the people who run Kindred in your area.</p>`,
    };
  }
  const chosenMeasures = typed !== undefined ? fieldList(typed, 'measures') : DEFAULT_MEASURES;
  const main = html`${backLink(`/app/staff/people/${encodeURIComponent(view.patientId)}`, 'Back to their record')}
<h1>${title}</h1>
<p>They will be asked for readings by the web form or a text message, or you can take them on the phone. A red reading creates an urgent alert for the ward at once and tells them what to do now.</p>
${form(
  `/app/staff/people/${encodeURIComponent(view.patientId)}/virtual-ward`,
  view.csrf,
  html`${radios({ name: 'ward', legend: 'Which virtual ward', items: view.wards.map((w) => ({ value: w.id, text: w.name, ...(w.phone !== undefined ? { hint: `Phone ${w.phone}` } : {}) })), value: typed !== undefined ? fieldText(typed, 'ward') : view.wards.length === 1 ? view.wards[0]!.id : '', errors })}
${checkboxes({ name: 'measures', legend: 'What they will measure', hint: 'Choose all that apply. NEWS2 needs SpO2, pulse, blood pressure, temperature, breathing rate and alertness, taken within an hour of each other.', items: MEASURE_ORDER.map((m) => ({ value: m, text: MEASURE_WORDS[m].label })), value: chosenMeasures, errors })}
${radios({ name: 'times-per-day', legend: 'How often', hint: 'For every measure. A reading is missed when none comes within its time plus half as long again.', items: FREQUENCIES, value: typed !== undefined ? fieldText(typed, 'times-per-day') : '2', errors, small: true })}
<h2 class="nhsuk-heading-m">Limits</h2>
<p>Kindred's defaults are filled in. Change them for this person where their clinician decides. A value at or beyond a limit takes that colour. Leave a box empty for no limit.</p>
${THRESHOLD_MEASURES.map((m) => limitsFieldset(m, typed, errors))}
${radios({ name: 'spo2-scale', legend: 'SpO2 scale for NEWS2', hint: 'Scale 2 is only for people with hypercapnic respiratory failure, and only when a clinician has decided it. If you are not sure, use scale 1. With scale 2 and the SpO2 limits above left as they are, the lower limits of scale 2 apply.', items: [{ value: '1', text: 'Scale 1' }, { value: '2', text: 'Scale 2 (a clinician has decided it)' }], value: typed !== undefined ? fieldText(typed, 'spo2-scale') : '1', errors, small: true })}
${radios({ name: 'home-oxygen', legend: 'Do they use home oxygen?', items: [{ value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }], value: typed !== undefined ? fieldText(typed, 'home-oxygen') : 'no', errors, inline: true, small: true })}
${textarea({ id: 'reason', label: 'Why they are on the ward (optional)', hint: 'For example: COPD exacerbation, early discharge', value: typed !== undefined ? fieldText(typed, 'reason') : '', errors, rows: 2, maxLength: 1000 })}
${insetText('Enrolling gives the ward’s staff access to their record while they are on the ward.')}
${button('Enrol')}`,
)}`;
  return { title, main, ...(errors.length > 0 ? { errors } : {}) };
}

function parseLimits(fields: FormFields, measure: Measure, errors: FieldError[]): Thresholds {
  const out: { -readonly [K in keyof Thresholds]: Thresholds[K] } = {};
  const label = MEASURE_WORDS[measure].label;
  for (const bound of BOUNDS) {
    const text = fieldText(fields, fieldOf(measure, bound)).trim();
    if (text === '') continue;
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) {
      errors.push({ field: fieldOf(measure, bound), message: `${label}: enter "${BOUND_WORDS[bound].toLowerCase()}" as a number, or leave it empty` });
      continue;
    }
    out[bound] = value;
  }
  // the limits must go up from red-below to red-above, or a value could be two colours at once
  const given = BOUNDS.filter((b) => out[b] !== undefined);
  for (let i = 1; i < given.length; i++) {
    const lower = given[i - 1]!;
    const upper = given[i]!;
    if (out[upper]! <= out[lower]!) {
      errors.push({ field: fieldOf(measure, upper), message: `${label}: "${BOUND_WORDS[upper].toLowerCase()}" must be more than "${BOUND_WORDS[lower].toLowerCase()}"` });
      break;
    }
  }
  return out;
}

/** The form's choices, or what to fix; `wardIds` are the wards the member of staff may choose. */
export function parseEnrolForm(fields: FormFields, wardIds: readonly string[]): { choices: EnrolChoices } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const wardId = fieldText(fields, 'ward');
  if (!wardIds.includes(wardId)) errors.push({ field: 'ward', message: 'Choose the virtual ward' });
  const measures = fieldList(fields, 'measures').filter((m): m is Measure => (MEASURE_ORDER as readonly string[]).includes(m));
  if (measures.length === 0) errors.push({ field: 'measures', message: 'Choose at least one thing for them to measure' });
  const times = Number(fieldText(fields, 'times-per-day'));
  if (!FREQUENCIES.some((f) => f.value === fieldText(fields, 'times-per-day'))) errors.push({ field: 'times-per-day', message: 'Choose how often they will send readings' });
  const scale = fieldText(fields, 'spo2-scale');
  if (scale !== '1' && scale !== '2') errors.push({ field: 'spo2-scale', message: 'Choose the SpO2 scale' });
  const oxygen = fieldText(fields, 'home-oxygen');
  if (oxygen !== 'yes' && oxygen !== 'no') errors.push({ field: 'home-oxygen', message: 'Say whether they use home oxygen' });
  const limits = new Map<Measure, Thresholds>();
  for (const m of THRESHOLD_MEASURES) {
    const parsed = parseLimits(fields, m, errors);
    if (measures.includes(m)) limits.set(m, parsed);
  }
  // scale 2 with scale 1's SpO2 limits left as they were: the service's scale 2 limits apply instead
  const spo2 = limits.get(Measure.spo2);
  const scale1 = DEFAULT_THRESHOLDS[Measure.spo2];
  if (scale === '2' && spo2 !== undefined && spo2.redBelow === scale1?.redBelow && spo2.amberBelow === scale1?.amberBelow && spo2.amberAbove === undefined && spo2.redAbove === undefined) limits.delete(Measure.spo2);
  const reason = fieldText(fields, 'reason').trim();
  if (reason.length > 1000) errors.push({ field: 'reason', message: 'Shorten the reason to 1,000 characters or fewer' });
  if (errors.length > 0) return { errors };
  return {
    choices: {
      wardId,
      measures: MEASURE_ORDER.filter((m) => measures.includes(m)).map((measure) => ({ measure, timesPerDay: times, ...(limits.has(measure) ? { thresholds: limits.get(measure)! } : {}) })),
      spo2Scale: scale === '2' ? 2 : 1,
      homeOxygen: oxygen === 'yes',
      ...(reason !== '' ? { reason } : {}),
    },
  };
}
