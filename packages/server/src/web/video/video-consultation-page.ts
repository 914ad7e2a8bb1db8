/**
 * The clinician's consultation screen (decision 0015, /app/staff/video/<appointment>): the call
 * (a "Join the call" form first, then the video client), who is waiting or in the call with
 * admit buttons, the invite form for a carer, interpreter or colleague (the one-time link is
 * shown once, after the invite), move to phone with the number to call, finish, and the notes.
 *
 * Pure rendering: the video service's ConsultationView in, HTML out. It must not read the record.
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import { callSection, videoAssets } from '../../video/pages/video-call-markup.ts';
import { MAX_CALL_PARTICIPANTS } from '../../video/video-protocol.ts';
import type { ConsultationView } from '../../video/video-service.ts';
import { backLink, button, form, insetText, radios, tag, textarea, textInput, warningCallout, type FieldErrors } from '../components.ts';
import { doneBanner } from '../staff/staff-components.ts';
import { dayText, timeText } from '../staff/staff-format.ts';
import { CALL_STATUS_WORDS, consultationPath, messageForm, privacyText, VIDEO_BASE, waitingSinceText } from './video-clinics-page.ts';

export interface ConsultationPageView {
  view: ConsultationView;
  csrf: string;
  now: number;
  /** the clinician pressed "Join the call": the page starts the call */
  joined: boolean;
  clinicianName: string;
  done?: string;
  errors?: FieldErrors;
  /** the invite just made: its whole address, shown this once */
  invited?: { url: string; displayName: string; sentTo?: string };
  typed?: { note?: string; inviteRole?: string; inviteName?: string; inviteSms?: string; inviteEmail?: string; late?: string; text?: string };
}

export const INVITE_ROLES = [
  { value: 'carer', text: 'Carer or family member' },
  { value: 'interpreter', text: 'Interpreter' },
  { value: 'colleague', text: 'Colleague' },
] as const;

function participantsSection(v: ConsultationPageView): SafeHtml {
  const { entry } = v.view;
  const path = consultationPath(entry.appointmentId);
  const back = html`<input type="hidden" name="return" value="${path}">`;
  const rows = entry.participants.filter((p) => p.role !== 'clinician');
  const full = v.errors?.find((e) => e.field === 'participants-full')?.message;
  // four in the call (the clinician counts): nobody else can be admitted, so no button is offered
  const callIsFull = entry.participants.filter((p) => p.status === 'in-call').length >= MAX_CALL_PARTICIPANTS;
  const canAdmit = (status: string): boolean => status === 'waiting' || status === 'on-hold';
  const admitForm = (participantId: string | undefined, name: string) =>
    form(`${path}/admit`, v.csrf, [back, participantId !== undefined ? html`<input type="hidden" name="participantId" value="${participantId}">` : html``, button(`Admit ${name}`)]);
  return html`<section id="participants" data-module="app-live-section" data-refresh="5" aria-labelledby="participants-heading">
  <h2 id="participants-heading">People in this consultation</h2>
  ${full !== undefined ? html`<p class="nhsuk-error-message" id="participants-full" tabindex="-1"><span class="nhsuk-u-visually-hidden">Error:</span> ${full} Someone must leave before another person can join.</p>` : html``}
  <ul class="nhsuk-list app-video-participants">
    ${rows.length === 0 ? html`<li>${entry.patientName} has not opened their link yet.</li>` : html``}
    ${rows.map(
      (p) => html`<li data-participant="${p.participantId}" data-role="${p.role}"><strong>${p.displayName}</strong> ${tag(CALL_STATUS_WORDS[p.status].text, CALL_STATUS_WORDS[p.status].colour)} ${p.connected ? 'connected' : 'not connected'}
      ${
        !canAdmit(p.status)
          ? html``
          : callIsFull
            ? html`<p class="app-video-full">The call is full (${MAX_CALL_PARTICIPANTS} people). Someone must leave before ${p.displayName} can join.</p>`
            : admitForm(p.role === 'patient' ? undefined : p.participantId, p.displayName)
      }</li>`,
    )}
  </ul>
</section>`;
}

function inviteSection(v: ConsultationPageView): SafeHtml {
  const path = consultationPath(v.view.entry.appointmentId);
  const errors = v.errors;
  return html`<section id="invite" data-module="app-live-section" aria-labelledby="invite-heading">
  <h2 id="invite-heading">Invite someone to join</h2>
  ${v.invited !== undefined
    ? warningCallout(
        `Link for ${v.invited.displayName}`,
        html`<p>This link works once. Copy it now: it will not be shown again.${v.invited.sentTo !== undefined ? ` We have also sent it to ${v.invited.sentTo}.` : ''}</p>
        <p class="app-video-link" data-part="invite-link">${v.invited.url}</p>
        <p>To copy it, select the link and copy it (Ctrl+C, or Cmd+C on a Mac).</p>`,
      )
    : html``}
  <details class="nhsuk-details"${errors?.some((e) => e.field.startsWith('invite')) === true ? html` open` : html``}>
    <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Invite a carer, interpreter or colleague</span></summary>
    <div class="nhsuk-details__text">${form(`${path}/invite`, v.csrf, [
      radios({ name: 'inviteRole', legend: 'Who are you inviting?', items: INVITE_ROLES, small: true, ...(v.typed?.inviteRole !== undefined ? { value: v.typed.inviteRole } : {}), ...(errors ? { errors } : {}) }),
      textInput({ id: 'inviteName', label: 'Their name, as the others will see it', hint: 'For example: Sam (carer) or Interpreter (Polish)', value: v.typed?.inviteName ?? '', ...(errors ? { errors } : {}) }),
      textInput({ id: 'inviteSms', label: 'Mobile number to send the link to (optional)', type: 'tel', autocomplete: 'off', width: 20, value: v.typed?.inviteSms ?? '', ...(errors ? { errors } : {}) }),
      textInput({ id: 'inviteEmail', label: 'Email address to send the link to (optional)', type: 'email', autocomplete: 'off', value: v.typed?.inviteEmail ?? '', ...(errors ? { errors } : {}) }),
      button('Make a link', { secondary: true }),
    ])}</div>
  </details>
</section>`;
}

function callPart(v: ConsultationPageView): SafeHtml {
  const { entry } = v.view;
  const path = consultationPath(entry.appointmentId);
  if (entry.status === 'finished') return html`<p>This consultation has finished.</p>`;
  if (v.view.modalityUsed === 'phone' || entry.status === 'phone') {
    return warningCallout(
      'This consultation is now a phone call',
      html`<p>${v.view.patientPhone !== undefined ? html`Call ${entry.patientName} on <strong>${v.view.patientPhone}</strong>.` : html`No phone number is recorded for ${entry.patientName}. Check their record before you call.`}</p>`,
    );
  }
  if (!v.joined) return form(`${path}/join`, v.csrf, [button('Join the call')]);
  return html`${callSection({ name: v.clinicianName, hidden: false, leftText: 'You have left the call. The others stay connected to each other.', rejoinHref: `${path}?joined=1` })}${videoAssets()}`;
}

export function renderConsultationMain(v: ConsultationPageView): SafeHtml {
  const { view } = v;
  const { entry } = view;
  const path = consultationPath(entry.appointmentId);
  const open = entry.status !== 'finished';
  const noteErrors = v.errors?.filter((e) => e.field === 'note');
  const messageErrors = v.errors?.filter((e) => e.field.startsWith('message'));
  return html`${backLink(VIDEO_BASE, 'Video clinics')}
  <h1>Video consultation with ${entry.patientName}</h1>
  ${doneBanner(v.done)}
  <p>${timeText(entry.appointmentStart)} on ${dayText(entry.appointmentStart)}, ${entry.minutesDuration} minutes. ${waitingSinceText(entry.waitingSince, v.now)}.</p>
  <dl class="nhsuk-summary-list" id="summary" data-module="app-live-section" data-refresh="5">
    <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Status</dt><dd class="nhsuk-summary-list__value" data-part="status">${tag(CALL_STATUS_WORDS[entry.status].text, CALL_STATUS_WORDS[entry.status].colour)}</dd></div>
    <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Privacy</dt><dd class="nhsuk-summary-list__value" data-privacy="${entry.privacyAnswer ?? ''}">${privacyText(entry.privacyAnswer)}</dd></div>
    <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Access needs</dt><dd class="nhsuk-summary-list__value">${
      entry.accessNeeds.length === 0 ? 'None recorded' : html`<ul class="nhsuk-list nhsuk-list--bullet">${entry.accessNeeds.map((line) => html`<li>${line}</li>`)}</ul>`
    }</dd></div>
    <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">How it is held</dt><dd class="nhsuk-summary-list__value">${view.modalityUsed === 'phone' ? 'Phone call (moved from video)' : 'Video'}</dd></div>
  </dl>
  ${callPart(v)}
  ${open ? participantsSection(v) : html``}
  ${open ? inviteSection(v) : html``}
  ${open
    ? html`<h2>Tell ${entry.patientName} something while they wait</h2>${messageForm(`${path}/message`, v.csrf, 'message', messageErrors, { ...(v.typed?.late !== undefined ? { late: v.typed.late } : {}), ...(v.typed?.text !== undefined ? { text: v.typed.text } : {}) })}`
    : html``}
  ${open && entry.status !== 'phone' && view.modalityUsed !== 'phone'
    ? html`<h2>If the video does not work</h2>${form(`${path}/phone`, v.csrf, [
        html`<input type="hidden" name="return" value="${path}">`,
        html`<p>The consultation becomes a phone call: ${entry.patientName} is told you will phone them${view.patientPhone !== undefined ? html` on ${view.patientPhone}` : html``}, and the appointment records it.</p>`,
        button('Move to a phone call', { secondary: true }),
      ])}`
    : html``}
  <h2>Notes</h2>
  ${form(`${path}/notes`, v.csrf, [
    html`<input type="hidden" name="version" value="${view.note?.versionId ?? ''}">`,
    textarea({ id: 'note', label: 'Consultation notes', hint: 'Saved to the record as the consultation note.', rows: 8, value: v.typed?.note ?? view.note?.text ?? '', ...(noteErrors ? { errors: noteErrors } : {}) }),
    button('Save notes', { secondary: true }),
  ])}
  ${open ? html`<h2>End the consultation</h2>${form(`${path}/finish`, v.csrf, [button('Finish the consultation', { warning: true })])}` : html``}
  ${insetText(html`<p>If anyone cannot use video, move the consultation to a phone call: one click, and the appointment records it.</p>`)}`;
}
