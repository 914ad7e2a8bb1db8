/**
 * One person's monitoring page for the ward's staff, as HTML: open alerts first (with "I have
 * called them", which completes the alert Task with a note), their plan (measures, how often,
 * thresholds, SpO2 scale, home oxygen), bigger trend charts with the threshold bands, the readings
 * as a table (newest first, how each arrived, late ones flagged: the charts' data in words), the
 * form to enter readings they give on the phone, and discharge from the ward.
 *
 * Pure rendering: the view in, the page out.
 */
import { MEASURES, NEWS2_CAUTION, RagColour, type Measure, type MonitoringPlan, type Thresholds } from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, button, form, insetText, table, tag, textarea, type FieldError } from '../components.ts';
import type { FormFields } from '../web-context.ts';
import { doneBanner } from '../staff/staff-components.ts';
import { shortDateTimeText } from '../staff/staff-format.ts';
import { readingFields } from './readings-form.ts';
import { trendChart } from './ward-chart.ts';
import type { ReadingSetView } from './ward-readings.ts';
import { CHARTED, MEASURE_ORDER, MEASURE_WORDS, SOURCE_WORDS, ragTag } from './ward-words.ts';

export const WardPersonDone = { readings: 'readings', called: 'called', enrolled: 'enrolled' } as const;
export type WardPersonDone = (typeof WardPersonDone)[keyof typeof WardPersonDone];

export interface WardPersonView {
  patientId: string;
  name: string;
  plan: MonitoringPlan;
  wardName: string;
  sets: readonly ReadingSetView[];
  alerts: readonly StoredResource[];
  csrf: string;
  now: number;
  linkOf(path: string): string;
  done?: WardPersonDone;
  /** the readings form, after a failed post */
  typed?: FormFields;
  errors?: readonly FieldError[];
}

const DAY = 86_400_000;
const CHART_DAYS = 14;

/** "3 times a day", "once a day", "twice a week", "every 4 hours". */
export function frequencyWords(m: MonitoringPlan['measures'][number]): string {
  const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);
  if (m.timesPerDay !== undefined) return `${times(m.timesPerDay)} a day`;
  const unit = m.periodUnit === 'h' ? 'hour' : m.periodUnit === 'wk' ? 'week' : 'day';
  const period = m.period ?? 1;
  if (period === 1) return `${times(m.frequency ?? 1)} a ${unit}`;
  return `${times(m.frequency ?? 1)} every ${period} ${unit}s`;
}

/** "red at or below 92, amber at or below 94, amber at or above 110, red at or above 130". */
export function thresholdWords(t: Thresholds, unit: string): string {
  const u = unit === '%' ? '%' : unit !== '' ? ` ${unit}` : '';
  const parts = [
    t.redBelow !== undefined ? `red at or below ${t.redBelow}${u}` : '',
    t.amberBelow !== undefined ? `amber at or below ${t.amberBelow}${u}` : '',
    t.amberAbove !== undefined ? `amber at or above ${t.amberAbove}${u}` : '',
    t.redAbove !== undefined ? `red at or above ${t.redAbove}${u}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? 'No limits' : parts.join('; ');
}

function alertSection(view: WardPersonView): SafeHtml {
  if (view.alerts.length === 0) return html``;
  return html`<h2>Open alerts</h2>
${view.alerts.map((task) => {
  const reasons = ((task.reasonCode as { text?: string } | undefined)?.text ?? (typeof task.description === 'string' ? task.description : 'Red readings')).split('\n');
  const notes = ((task.note as { text?: string; time?: string }[] | undefined) ?? []).filter((n) => typeof n.text === 'string');
  return html`<div class="nhsuk-card app-ward-alert">
  <div class="nhsuk-card__content">
    <h3 class="nhsuk-card__heading">${tag('Urgent', 'red')} Alert ${typeof task.authoredOn === 'string' ? `raised ${shortDateTimeText(task.authoredOn)}` : ''}</h3>
    <ul class="nhsuk-list nhsuk-list--bullet">${reasons.map((r) => html`<li>${r}</li>`)}</ul>
    ${notes.length > 0 ? html`<p class="nhsuk-body-s">Since then:</p><ul class="nhsuk-list nhsuk-body-s">${notes.map((n) => html`<li>${n.time !== undefined ? `${shortDateTimeText(n.time)}: ` : ''}${n.text}</li>`)}</ul>` : html``}
    ${form(
      view.linkOf(`/app/staff/ward/people/${encodeURIComponent(view.patientId)}/alerts/${encodeURIComponent(task.id)}/called`),
      view.csrf,
      html`${textarea({ id: `note-${task.id}`, name: 'note', label: 'What you agreed with them', hint: 'For example: advised to call 999; visit arranged; readings rechecked and better. This is added to the alert.', rows: 3, maxLength: 2000 })}${button('I have called them')}`,
    )}
  </div>
</div>`;
})}`;
}

function planSection(view: WardPersonView): SafeHtml {
  const plan = view.plan;
  const rows = MEASURE_ORDER.flatMap((measure) => {
    const m = plan.measures.find((x) => x.measure === measure);
    if (m === undefined) return [];
    return [[MEASURE_WORDS[measure].label, frequencyWords(m), thresholdWords(m.thresholds, MEASURE_WORDS[measure].unit)]];
  });
  return html`<h2>Their plan</h2>
${table('What they measure', ['Measure', 'How often', 'Limits'], rows)}
<p>SpO2 scale ${plan.spo2Scale}${plan.spo2Scale === 2 ? ' (chosen by a clinician for hypercapnic respiratory failure)' : ''}. ${plan.homeOxygen ? 'They use home oxygen.' : 'They do not use home oxygen.'} Monitoring started ${shortDateTimeText(plan.start)}.</p>`;
}

function chartsSection(view: WardPersonView): SafeHtml {
  const from = view.now - CHART_DAYS * DAY;
  const charted = MEASURE_ORDER.filter((m) => CHARTED.has(m) && view.plan.measures.some((p) => p.measure === m));
  if (charted.length === 0) return html``;
  return html`<h2>Trends, last ${CHART_DAYS} days</h2>
<p>The shaded bands are the plan's limits: red, amber and green. Each reading's shape also says its colour: a circle is green, a square amber, a triangle red. The readings are in the table below.</p>
<ul class="nhsuk-list app-trend-list">${charted.map((measure) => {
    const points = view.sets.flatMap((set) => set.values.filter((v) => v.measure === measure && v.number !== undefined).map((v) => ({ at: Date.parse(set.takenAt), value: v.number!, colour: v.colour })));
    const thresholds = view.plan.measures.find((p) => p.measure === measure)?.thresholds ?? {};
    return html`<li class="app-trend-list__item app-trend-list__item--large"><h3 class="nhsuk-heading-s">${MEASURE_WORDS[measure].label}${MEASURE_WORDS[measure].unit !== '' ? ` (${MEASURE_WORDS[measure].unit})` : ''}</h3>${trendChart({
      id: `chart-${measure}`,
      label: `${MEASURE_WORDS[measure].label} for ${view.name}, last ${CHART_DAYS} days`,
      unit: MEASURE_WORDS[measure].unit,
      points: points.filter((p) => p.at >= from),
      bands: thresholds,
      from,
      to: view.now,
      size: 'large',
    })}</li>`;
  })}</ul>`;
}

function readingsTable(view: WardPersonView): SafeHtml {
  if (view.sets.length === 0) return html`<h2>Readings</h2><p>No readings yet.</p>`;
  const measures = MEASURE_ORDER.filter((m) => view.plan.measures.some((p) => p.measure === m) || view.sets.some((s) => s.values.some((v) => v.measure === m)));
  const head = ['Taken', 'How', ...measures.map((m: Measure) => MEASURES[m].short), 'NEWS2', 'Colour'];
  const rows = view.sets.map((set) => [
    html`${shortDateTimeText(set.takenAt)}${set.late ? html` ${tag('Late', 'yellow')}${set.receivedAt !== undefined ? html`<br><span class="nhsuk-body-s">received ${shortDateTimeText(set.receivedAt)}</span>` : html``}` : html``}`,
    set.source !== undefined ? SOURCE_WORDS[set.source] : '',
    ...measures.map((m) => {
      const v = set.values.find((x) => x.measure === m);
      return v === undefined ? '' : v.colour === RagColour.green ? v.text : html`${v.text} ${ragTag(v.colour)}`;
    }),
    set.news2 !== undefined ? String(set.news2) : '',
    ragTag(set.colour),
  ]);
  return html`<h2>Readings</h2>${table('Readings, newest first', head, rows)}`;
}

function phoneSection(view: WardPersonView): SafeHtml {
  return html`<h2 id="phone-readings">Enter readings from a phone call</h2>
<p>Use this when ${view.name} gives you their readings on the phone. They are recorded as taken now, by phone with staff.</p>
${form(view.linkOf(`/app/staff/ward/people/${encodeURIComponent(view.patientId)}/readings`), view.csrf, html`${readingFields(view.plan.measures.map((m) => m.measure), view.typed ?? {}, view.errors ?? [], 'staff')}${button('Save readings')}`)}`;
}

function dischargeSection(view: WardPersonView): SafeHtml {
  return html`<h2>Discharge from the ward</h2>
${form(
  view.linkOf(`/app/staff/ward/people/${encodeURIComponent(view.patientId)}/discharge`),
  view.csrf,
  html`${textarea({ id: 'discharge-reason', name: 'reason', label: 'Why they are leaving the ward (optional)', rows: 2, maxLength: 1000 })}${button('Discharge from the ward', { warning: true })}`,
)}`;
}

const DONE_WORDS: Readonly<Record<WardPersonDone, string>> = {
  readings: 'The readings are saved.',
  called: 'The alert is closed with your note.',
  enrolled: 'They are enrolled on the ward. They can send readings from today.',
};

export function renderWardPersonPage(view: WardPersonView): { title: string; main: SafeHtml; errors?: readonly FieldError[] } {
  const latest = view.sets[0];
  const main = html`${backLink(view.linkOf('/app/staff/ward'), `Back to ${view.wardName}`)}
<h1>${view.name} ${latest !== undefined ? ragTag(latest.colour) : html``}</h1>
${doneBanner(view.done !== undefined ? DONE_WORDS[view.done] : undefined)}
<p>On ${view.wardName}. <a href="/app/staff/people/${encodeURIComponent(view.patientId)}">Their record</a></p>
${alertSection(view)}
${insetText(NEWS2_CAUTION)}
${planSection(view)}
${chartsSection(view)}
${readingsTable(view)}
${phoneSection(view)}
${dischargeSection(view)}`;
  return { title: `${view.name}: monitoring`, main, ...(view.errors !== undefined && view.errors.length > 0 ? { errors: view.errors } : {}) };
}
