/**
 * The booking page of a request and its confirmation: how the person will be seen (their stated
 * preference chosen first and said), the free times in the coming days grouped by day, and either
 * "Book this time" (one time) or "Offer these times" (several, for the person to choose). The
 * person's access needs come first, as on every page before a contact.
 *
 * Pure rendering: a view in, HTML out. The handlers are in booking-routes.ts.
 */
import { MODALITY_WORDS, Modality } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, button, confirmation, form, insetText, radios, summaryList, warningCallout, type FieldErrors } from '../components.ts';
import { accessNeedsCallout, timeGroups, type TimeChoice } from './staff-components.ts';
import { dateTimeText, dayText, linkTo } from './staff-format.ts';

export const BookingMode = { book: 'book', offer: 'offer' } as const;
export type BookingMode = (typeof BookingMode)[keyof typeof BookingMode];

export const MODALITY_CHOICES: readonly { value: Modality; text: string }[] = [
  { value: Modality.phone, text: 'Phone' },
  { value: Modality.video, text: 'Video' },
  { value: Modality.faceToFace, text: 'Face to face' },
  { value: Modality.homeVisit, text: 'Home visit' },
];

export interface BookingView {
  requestId: string;
  /** the organisation chosen with ?org= (only when the person has several) */
  org?: string;
  csrf: string;
  person: { name: string; firstName: string; needsLines: readonly string[]; carer?: string };
  preferred?: Modality;
  /** where they said it: in this request, or when they were last booked */
  preferredWhere?: 'request' | 'before';
  modality: Modality;
  mode: BookingMode;
  /** the first day shown (YYYY-MM-DD) and the days either side, for "earlier" and "later" times */
  from: string;
  earlier?: string;
  later?: string;
  times: readonly TimeChoice[];
  chosen: readonly string[];
  /** the interpreters that will be added to the booking ("Polish interpreter") */
  interpreters: readonly string[];
  longerAppointment: boolean;
  /** what the person sees of the request when it is already closed ("Appointment booked") */
  closedAs?: string;
  errors?: FieldErrors;
}

export function bookingTitle(view: Pick<BookingView, 'mode' | 'person'>): string {
  return view.mode === BookingMode.offer ? `Offer times to ${view.person.name}` : `Book an appointment for ${view.person.name}`;
}

export function renderBookingPage(view: BookingView): SafeHtml {
  const base = `/app/staff/requests/${encodeURIComponent(view.requestId)}/book`;
  const preferredWords = view.preferred !== undefined ? MODALITY_WORDS[view.preferred] : undefined;
  const otherMode = view.mode === BookingMode.book ? BookingMode.offer : BookingMode.book;
  const modeLink = linkTo(base, view.org, { modality: view.modality, mode: otherMode, from: view.from });
  const timesField = view.mode === BookingMode.book ? 'slot' : 'slots';
  return html`${backLink(linkTo(`/app/staff/requests/${encodeURIComponent(view.requestId)}`, view.org), 'Back to the request')}
<h1 class="nhsuk-heading-l">${bookingTitle(view)}</h1>
${accessNeedsCallout(view.person.firstName, view.person.needsLines, view.person.carer)}
${view.closedAs !== undefined ? insetText(html`<p>This request is already closed (${view.closedAs}). A booking made here does not change its outcome.</p>`) : html``}
${view.interpreters.length > 0 ? insetText(html`<p>${view.interpreters.join(' and ')} will be added to the appointment, whichever way they are seen.</p>`) : html``}
${view.longerAppointment ? insetText(html`<p>They need a longer appointment: the booking takes twice the time of the slot. Keep the time after it clear.</p>`) : html``}
<p class="nhsuk-body">${
    preferredWords !== undefined
      ? html`${view.person.firstName} ${view.preferredWhere === 'before' ? 'asked for' : 'said they would like'} a <strong>${preferredWords}</strong> appointment${view.preferredWhere === 'before' ? ' when they were last booked' : ''}.`
      : html`${view.person.firstName} has not said how they would like to be seen. Ask them if you can.`
  }</p>
${form(
  base,
  view.csrf,
  html`${radios({
    name: 'modality',
    legend: 'How will they be seen?',
    items: MODALITY_CHOICES.map((c) => ({ value: c.value, text: c.value === view.preferred ? `${c.text} (what they asked for)` : c.text })),
    value: view.modality,
    inline: true,
    small: true,
    ...(view.errors !== undefined ? { errors: view.errors } : {}),
  })}
  <input type="hidden" name="mode" value="${view.mode}">
  ${view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``}
  ${button('Show times', { secondary: true })}`,
  { method: 'get', id: 'choose-modality' },
)}
${
  view.times.length === 0
    ? warningCallout('No free times', html`<p>There are no free ${MODALITY_WORDS[view.modality]} times in the week from ${dayText(`${view.from}T12:00:00Z`)}.</p><p>Look at later times, choose another way of being seen, or ask the practice manager to add times.</p>`)
    : form(
        base,
        view.csrf,
        html`<input type="hidden" name="action" value="${view.mode}">
  <input type="hidden" name="modality" value="${view.modality}">
  <input type="hidden" name="from" value="${view.from}">
  ${timeGroups({
    name: timesField,
    kind: view.mode === BookingMode.book ? 'radios' : 'checkboxes',
    legend: view.mode === BookingMode.book ? `Choose a ${MODALITY_WORDS[view.modality]} time` : `Choose the ${MODALITY_WORDS[view.modality]} times to offer`,
    hint: view.mode === BookingMode.book ? 'The booking is confirmed to them the way their needs say.' : 'They can choose one online, or tell you when you call. Whoever books a time first gets it.',
    times: view.times,
    chosen: view.chosen,
    ...(view.errors !== undefined ? { errors: view.errors } : {}),
  })}
  ${button(view.mode === BookingMode.book ? 'Book this time' : 'Offer these times')}`,
        { id: 'choose-time' },
      )
}
<p class="nhsuk-body">${view.earlier !== undefined ? html`<a href="${linkTo(base, view.org, { modality: view.modality, mode: view.mode, from: view.earlier })}">Earlier times</a> · ` : html``}<a href="${linkTo(base, view.org, { modality: view.modality, mode: view.mode, from: view.later ?? view.from })}">Later times</a></p>
<p class="nhsuk-body"><a href="${modeLink}">${view.mode === BookingMode.book ? 'Offer a choice of times instead' : 'Book one time instead'}</a></p>`;
}

export interface BookedView {
  requestId: string;
  org?: string;
  personName: string;
  start: string;
  modalityGiven?: string;
  preferred?: string;
  minutes?: number;
  with: readonly string[];
  interpreters: readonly string[];
  /** how the confirmation went: sent by text message, in the app, staff must phone (and why), or not sent */
  message: { state: 'sent' | 'app' | 'phone' | 'failed' | 'none'; words: string; detail?: string };
}

export function renderBookedPage(view: BookedView): SafeHtml {
  const messageBlock =
    view.message.state === 'phone' || view.message.state === 'failed' || view.message.state === 'none'
      ? warningCallout(view.message.state === 'phone' ? `Phone ${view.personName} to tell them` : 'The confirmation was not sent', html`<p>${view.message.words}</p>${view.message.detail !== undefined ? html`<p>${view.message.detail}</p>` : html``}`)
      : html`<p class="nhsuk-body">${view.message.words}</p>`;
  return html`${confirmation('Appointment booked', html`${dateTimeText(view.start)}<br>for ${view.personName}`)}
${summaryList([
  { key: 'When', value: dateTimeText(view.start) + (view.minutes !== undefined ? ` (${view.minutes} minutes)` : '') },
  { key: 'How', value: view.modalityGiven ?? 'Not recorded' },
  { key: 'They asked for', value: view.preferred ?? 'They did not say' },
  { key: 'With', value: view.with.length > 0 ? view.with.join(', ') : 'Not recorded' },
  { key: 'Interpreter', value: view.interpreters.length > 0 ? `${view.interpreters.join(', ')}: added to the appointment` : 'Not needed' },
])}
<h2 class="nhsuk-heading-m">Confirmation</h2>
${messageBlock}
<p class="nhsuk-body"><a href="${linkTo(`/app/staff/requests/${encodeURIComponent(view.requestId)}`, view.org)}">Back to the request</a></p>
<p class="nhsuk-body"><a href="${linkTo('/app/staff', view.org)}">Back to the inbox</a></p>`;
}
