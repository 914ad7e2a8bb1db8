/**
 * The staff's video clinics today (decision 0015, /app/staff/video): each clinic of their
 * organisation with "open clinic", a message to everyone waiting ("running late by N minutes"),
 * and each person: who, waiting since when and for how long, their privacy answer ("no" and
 * "not sure" stand out), access needs, whether they are connected, and the plain-form actions
 * (admit, put on hold, move to phone, open the consultation).
 *
 * Pure rendering: the video service's views in, HTML out. It must not read the record.
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import type { CallStatus } from '../../video/video-protocol.ts';
import type { ClinicView, PrivacyAnswer, WaitingEntry } from '../../video/video-service.ts';
import { button, form, tag, textInput, type FieldErrors, type TagColour } from '../components.ts';
import { doneBanner } from '../staff/staff-components.ts';
import { timeText } from '../staff/staff-format.ts';

export const VIDEO_BASE = '/app/staff/video';

export const CALL_STATUS_WORDS: Readonly<Record<CallStatus | 'not-arrived', { text: string; colour: TagColour }>> = {
  'not-arrived': { text: 'Not arrived', colour: 'grey' },
  waiting: { text: 'Waiting', colour: 'blue' },
  'in-call': { text: 'In the call', colour: 'green' },
  'on-hold': { text: 'On hold', colour: 'yellow' },
  phone: { text: 'Moved to phone', colour: 'purple' },
  finished: { text: 'Finished', colour: 'white' },
};

const PRIVACY_WORDS: Readonly<Record<PrivacyAnswer, string>> = { yes: 'Can talk privately', no: 'Cannot talk privately', 'not-sure': 'Not sure they can talk privately' };

export function privacyText(answer: PrivacyAnswer | undefined): SafeHtml {
  if (answer === undefined) return html`<span>Not answered yet</span>`;
  return answer === 'yes' ? html`<span>${PRIVACY_WORDS.yes}</span>` : html`<span class="app-video-privacy--concern">${PRIVACY_WORDS[answer]}</span>`;
}

/** "since 9:40am (12 minutes)" */
export function waitingSinceText(since: string | undefined, now: number): string {
  if (since === undefined) return 'Not checked in';
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  return `Since ${timeText(since)} (${minutes === 0 ? 'less than a minute' : `${minutes} minute${minutes === 1 ? '' : 's'}`})`;
}

const statusTag = (status: CallStatus | 'not-arrived'): SafeHtml => tag(CALL_STATUS_WORDS[status].text, CALL_STATUS_WORDS[status].colour);

export const consultationPath = (appointmentId: string): string => `${VIDEO_BASE}/${encodeURIComponent(appointmentId)}`;

/** The forms on one person's row: each posts to the consultation's action and comes back here. */
function entryActions(entry: WaitingEntry, csrf: string, back: string): SafeHtml {
  const action = (what: string, text: string, options: { secondary?: boolean; warning?: boolean } = {}) =>
    form(`${consultationPath(entry.appointmentId)}/${what}`, csrf, [html`<input type="hidden" name="return" value="${back}">`, button(`${text}`, options)]);
  const open = entry.status !== 'finished' && entry.status !== 'phone';
  return html`<div class="app-video-actions">
    ${open && entry.status !== 'in-call' && entry.status !== 'not-arrived' ? action('admit', `Admit ${entry.patientName}`) : html``}
    ${open && entry.status === 'in-call' ? action('hold', 'Put on hold', { secondary: true }) : html``}
    ${open ? action('phone', 'Move to phone', { secondary: true }) : html``}
    <p><a href="${consultationPath(entry.appointmentId)}">Open consultation<span class="nhsuk-u-visually-hidden"> with ${entry.patientName}</span></a></p>
  </div>`;
}

function entryCard(entry: WaitingEntry, csrf: string, now: number): SafeHtml {
  const helpers = entry.participants.filter((p) => p.role !== 'patient' && p.role !== 'clinician');
  return html`<div class="nhsuk-card app-video-entry" data-appointment="${entry.appointmentId}"><div class="nhsuk-card__content">
    <h3 class="nhsuk-card__heading nhsuk-heading-s">${entry.patientName}, ${timeText(entry.appointmentStart)} (${entry.minutesDuration} minutes)</h3>
    <dl class="nhsuk-summary-list">
      <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Status</dt><dd class="nhsuk-summary-list__value">${statusTag(entry.status)} ${entry.connected ? 'Connected now' : 'Not connected'}</dd></div>
      <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Waiting</dt><dd class="nhsuk-summary-list__value">${waitingSinceText(entry.waitingSince, now)}</dd></div>
      <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Privacy</dt><dd class="nhsuk-summary-list__value" data-privacy="${entry.privacyAnswer ?? ''}">${privacyText(entry.privacyAnswer)}</dd></div>
      <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Access needs</dt><dd class="nhsuk-summary-list__value">${
        entry.accessNeeds.length === 0 ? 'None recorded' : html`<ul class="nhsuk-list nhsuk-list--bullet">${entry.accessNeeds.map((line) => html`<li>${line}</li>`)}</ul>`
      }</dd></div>
      ${helpers.length > 0
        ? html`<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Others joining</dt><dd class="nhsuk-summary-list__value"><ul class="nhsuk-list">${helpers.map(
            (p) => html`<li>${p.displayName}: ${CALL_STATUS_WORDS[p.status].text.toLowerCase()}${p.connected ? '' : ', not connected'}</li>`,
          )}</ul></dd></div>`
        : html``}
    </dl>
    ${entryActions(entry, csrf, VIDEO_BASE)}
  </div></div>`;
}

/** The message form of a clinic (to everyone waiting) or of one consultation (to that person). */
export function messageForm(action: string, csrf: string, idPrefix: string, errors: FieldErrors | undefined, typed: { late?: string; text?: string } = {}): SafeHtml {
  return form(action, csrf, [
    textInput({ id: `${idPrefix}-late`, name: 'late', label: 'Running late by (minutes)', hint: 'Leave empty if you are on time', width: 3, inputmode: 'numeric', value: typed.late ?? '', ...(errors ? { errors } : {}) }),
    textInput({ id: `${idPrefix}-text`, name: 'text', label: 'Message', hint: 'For example: Sorry, I am running late. I will see you as soon as I can.', value: typed.text ?? '', ...(errors ? { errors } : {}) }),
    button('Send message', { secondary: true }),
  ]);
}

export interface ClinicsPageView {
  clinics: readonly ClinicView[];
  csrf: string;
  now: number;
  done?: string;
  errors?: FieldErrors;
  /** the clinic whose message form had the errors, and what was typed */
  typed?: { scheduleId: string; late: string; text: string };
}

export function renderClinicsMain(v: ClinicsPageView): SafeHtml {
  return html`<div data-module="app-clinic-watch">
  <h1>Video clinics today</h1>
  ${doneBanner(v.done)}
  <p>People who have opened their link and are waiting. This list updates itself. <a href="${VIDEO_BASE}">Refresh the list</a></p>
  ${v.clinics.length === 0 ? html`<p>Your organisation has no video clinics today.</p>` : html``}
  ${v.clinics.map((clinic) => {
    const prefix = `message-${clinic.scheduleId}`;
    const errors = v.typed?.scheduleId === clinic.scheduleId ? v.errors : undefined;
    return html`<section class="app-video-clinic" aria-labelledby="clinic-${clinic.scheduleId}">
    <h2 id="clinic-${clinic.scheduleId}">${clinic.name}</h2>
    ${clinic.opened
      ? html`<p>${tag('Open', 'green')} The people waiting have been told you have started.${clinic.lateMinutes > 0 ? ` You said you are running ${clinic.lateMinutes} minutes late.` : ''}</p>`
      : form(`${VIDEO_BASE}/clinics/${encodeURIComponent(clinic.scheduleId)}/open`, v.csrf, [html`<p>The people waiting are told you have not started yet.</p>`, button(`Open clinic`)])}
    ${clinic.lastMessage !== undefined ? html`<p>Last message (${timeText(clinic.lastMessage.sentAt)}): ${clinic.lastMessage.text}</p>` : html``}
    <details class="nhsuk-details"${errors !== undefined ? html` open` : html``}>
      <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Send a message to everyone waiting</span></summary>
      <div class="nhsuk-details__text">${messageForm(`${VIDEO_BASE}/clinics/${encodeURIComponent(clinic.scheduleId)}/message`, v.csrf, prefix, errors, v.typed?.scheduleId === clinic.scheduleId ? v.typed : {})}</div>
    </details>
    ${clinic.entries.length === 0 ? html`<p>No video appointments in this clinic today.</p>` : clinic.entries.map((entry) => entryCard(entry, v.csrf, v.now))}
  </section>`;
  })}
</div>`;
}
