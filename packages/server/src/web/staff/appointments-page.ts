/**
 * The day's appointments of the organisation's diaries, and the pages to cancel (with a reason) or
 * rebook one (another time, the person's needs first). Each appointment shows how the person is
 * seen (and what they asked for when it differs), the person, their needs and the interpreter.
 * A no-show can be recorded once the appointment has started.
 *
 * Pure rendering: views in, HTML out. The handlers are in appointments-routes.ts.
 */
import { MODALITY_WORDS, type Modality } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, button, form, radios, summaryList, table, textInput, textarea, type FieldErrors } from '../components.ts';
import { MODALITY_CHOICES } from './booking-page.ts';
import { accessNeedsCallout, doneBanner, timeGroups, type TimeChoice } from './staff-components.ts';
import { dateTimeText, dayText, linkTo, londonDate, timeText } from './staff-format.ts';
import { appointmentTag } from '../shared/request-words.ts';

export interface AppointmentLine {
  id: string;
  start: string;
  end?: string;
  status: string;
  patientId?: string;
  personName: string;
  nhsNumber?: string;
  needsLines: readonly string[];
  given?: Modality;
  preferred?: Modality;
  interpreters: readonly string[];
  with: readonly string[];
}

export interface DayView {
  org?: string;
  csrf: string;
  organisationName: string;
  date: string;
  today: string;
  now: number;
  appointments: readonly AppointmentLine[];
  done?: string;
  errors?: FieldErrors;
  /** the date as typed, kept when it is not a date */
  typedDate?: string;
}

export const DAY_DONE: Readonly<Record<string, string>> = {
  cancelled: 'The appointment is cancelled and the time is free again. We have told the person.',
  rebooked: 'The appointment is moved to the new time. We have told the person.',
  noshow: 'The appointment is recorded as missed.',
  booked: 'The appointment is booked. We have told the person.',
};

function howCell(a: AppointmentLine): SafeHtml {
  const given = a.given !== undefined ? MODALITY_WORDS[a.given] : 'Not recorded';
  if (a.preferred === undefined || a.preferred === a.given) return html`${given}`;
  return html`${given}<br><span class="nhsuk-body-s">Asked for ${MODALITY_WORDS[a.preferred]}</span>`;
}

function personCell(a: AppointmentLine): SafeHtml {
  const name = a.patientId !== undefined ? html`<a href="/app/staff/people/${a.patientId}">${a.personName}</a>` : html`${a.personName}`;
  return html`<span id="appointment-${a.id}"></span>${name}${a.nhsNumber !== undefined ? html`<br><span class="nhsuk-body-s">NHS number ${a.nhsNumber}</span>` : html``}${
    a.needsLines.length > 0 ? html`<ul class="nhsuk-list nhsuk-body-s app-needs">${a.needsLines.map((l) => html`<li>${l}</li>`)}</ul>` : html``
  }`;
}

function actionsCell(a: AppointmentLine, view: DayView): SafeHtml {
  if (a.status !== 'booked') return html``;
  const started = Date.parse(a.start) <= view.now;
  const base = `/app/staff/appointments/${encodeURIComponent(a.id)}`;
  return html`${
    started
      ? form(`${base}/no-show`, view.csrf, html`${view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``}<input type="hidden" name="date" value="${view.date}"><button class="app-link-button" type="submit">Record did not attend<span class="nhsuk-u-visually-hidden"> for ${a.personName} at ${timeText(a.start)}</span></button>`)
      : html``
  }<a href="${linkTo(`${base}/cancel`, view.org)}">Cancel<span class="nhsuk-u-visually-hidden"> ${a.personName} at ${timeText(a.start)}</span></a><br><a href="${linkTo(`${base}/rebook`, view.org)}">Rebook<span class="nhsuk-u-visually-hidden"> ${a.personName} at ${timeText(a.start)}</span></a>`;
}

export function dayTitle(view: Pick<DayView, 'date' | 'organisationName'>): string {
  return `Appointments on ${dayText(`${view.date}T12:00:00Z`)} – ${view.organisationName}`;
}

export function renderDayPage(view: DayView): SafeHtml {
  const previous = new Date(Date.parse(`${view.date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const next = new Date(Date.parse(`${view.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const rows = view.appointments.map((a) => [
    html`${timeText(a.start)}${a.end !== undefined ? html` to ${timeText(a.end)}` : html``}`,
    personCell(a),
    howCell(a),
    a.interpreters.length > 0 ? a.interpreters.join(', ') : 'None needed',
    a.with.length > 0 ? a.with.join(', ') : '',
    appointmentTag(a.status),
    actionsCell(a, view),
  ]);
  return html`<h1 class="nhsuk-heading-l">Appointments<span class="nhsuk-caption-l">${view.organisationName}, ${dayText(`${view.date}T12:00:00Z`)}</span></h1>
${doneBanner(view.done !== undefined ? DAY_DONE[view.done] : undefined)}
${form(
  '/app/staff/appointments',
  '',
  html`${view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``}${textInput({ id: 'date', label: 'Day', hint: 'For example, 2026-11-24', type: 'date', value: view.typedDate ?? view.date, ...(view.errors !== undefined ? { errors: view.errors } : {}) })}${button('Show day', { secondary: true })}`,
  { method: 'get', id: 'choose-day' },
)}
<p class="nhsuk-body"><a href="${linkTo('/app/staff/appointments', view.org, { date: previous })}">Previous day</a> · ${view.date !== view.today ? html`<a href="${linkTo('/app/staff/appointments', view.org)}">Today</a> · ` : html``}<a href="${linkTo('/app/staff/appointments', view.org, { date: next })}">Next day</a></p>
${
  rows.length === 0
    ? html`<p class="nhsuk-body">There are no appointments on this day.</p>`
    : table(`Appointments on ${dayText(`${view.date}T12:00:00Z`)}`, ['Time', 'Person', 'How', 'Interpreter', 'With', 'Status', 'Actions'], rows)
}`;
}

export interface ChangeView {
  appointment: AppointmentLine;
  firstName: string;
  carer?: string;
  org?: string;
  csrf: string;
  errors?: FieldErrors;
  values: Readonly<Record<string, string>>;
}

function appointmentSummary(a: AppointmentLine): SafeHtml {
  return summaryList([
    { key: 'Who', value: a.personName },
    { key: 'When', value: dateTimeText(a.start) },
    { key: 'How', value: howCell(a) },
    { key: 'Interpreter', value: a.interpreters.length > 0 ? a.interpreters.join(', ') : 'None needed' },
  ]);
}

export const cancelTitle = (view: ChangeView): string => `Cancel ${view.appointment.personName}'s appointment`;

export function renderCancelPage(view: ChangeView): SafeHtml {
  const day = londonDate(view.appointment.start);
  return html`${backLink(linkTo('/app/staff/appointments', view.org, { date: day }), 'Back to the day')}
<h1 class="nhsuk-heading-l">${cancelTitle(view)}</h1>
${accessNeedsCallout(view.firstName, view.appointment.needsLines, view.carer)}
${appointmentSummary(view.appointment)}
${form(
  `/app/staff/appointments/${encodeURIComponent(view.appointment.id)}/cancel`,
  view.csrf,
  html`${view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``}
  ${textarea({ id: 'reason', label: 'Why is it cancelled?', hint: 'We tell them this, the way their needs say. Use words they will understand.', rows: 3, value: view.values.reason ?? '', ...(view.errors !== undefined ? { errors: view.errors } : {}) })}
  ${button('Cancel appointment', { warning: true })}`,
)}`;
}

export interface RebookView extends ChangeView {
  modality: Modality;
  from: string;
  later: string;
  earlier?: string;
  times: readonly TimeChoice[];
}

export const rebookTitle = (view: ChangeView): string => `Rebook ${view.appointment.personName}'s appointment`;

export function renderRebookPage(view: RebookView): SafeHtml {
  const base = `/app/staff/appointments/${encodeURIComponent(view.appointment.id)}/rebook`;
  const errors = view.errors !== undefined ? { errors: view.errors } : {};
  return html`${backLink(linkTo('/app/staff/appointments', view.org, { date: londonDate(view.appointment.start) }), 'Back to the day')}
<h1 class="nhsuk-heading-l">${rebookTitle(view)}</h1>
${accessNeedsCallout(view.firstName, view.appointment.needsLines, view.carer)}
${appointmentSummary(view.appointment)}
${form(
  base,
  '',
  html`${view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``}
  ${radios({ name: 'modality', legend: 'How will they be seen?', items: MODALITY_CHOICES.map((c) => ({ value: c.value, text: c.value === view.appointment.preferred ? `${c.text} (what they asked for)` : c.text })), value: view.modality, inline: true, small: true })}
  ${button('Show times', { secondary: true })}`,
  { method: 'get', id: 'choose-modality' },
)}
${
  view.times.length === 0
    ? html`<p class="nhsuk-body">There are no free ${MODALITY_WORDS[view.modality]} times in the week from ${dayText(`${view.from}T12:00:00Z`)}.</p>`
    : form(
        base,
        view.csrf,
        html`${view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``}<input type="hidden" name="modality" value="${view.modality}"><input type="hidden" name="from" value="${view.from}">
  ${timeGroups({ name: 'slot', kind: 'radios', legend: `Choose the new ${MODALITY_WORDS[view.modality]} time`, hint: 'The old time is freed once the new one is booked.', times: view.times, chosen: view.values.slot !== undefined ? [view.values.slot] : [], ...errors })}
  ${button('Move to this time')}`,
      )
}
<p class="nhsuk-body">${view.earlier !== undefined ? html`<a href="${linkTo(base, view.org, { modality: view.modality, from: view.earlier })}">Earlier times</a> · ` : html``}<a href="${linkTo(base, view.org, { modality: view.modality, from: view.later })}">Later times</a></p>`;
}
