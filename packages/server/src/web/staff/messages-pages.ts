/**
 * The staff's messages page as HTML: first the calls staff must make (who, why they cannot be
 * written to, the help they need, the message to give, and a form to record the call), then the
 * messages waiting in the local outbox (channel, recipient, template, status, created), paged.
 * Pure rendering: data in, the page's title and main content out.
 */
import { accessNeedsSummary, readAccessNeeds } from '@kindred/care';
import type { Resource } from '@kindred/fhir';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, form, insetText, radios, summaryList, table, tag, textarea, type FieldErrors, type TagColour } from '../components.ts';
import type { FormFields } from '../web-context.ts';
import { fieldText } from '../web-context.ts';
import { doneBanner, pagination as pageLinks } from './staff-components.ts';
import { nhsNumberOf, shortDateTimeText } from './staff-format.ts';
import { pagination, personName, templateWords, type PageContent } from './people-pages.ts';
import { MAX_CALL_NOTE_LENGTH, type OutboxPage, type StaffCall, type StaffCallPage } from './messages-call-list.ts';

const CHANNEL_WORDS: Readonly<Record<string, string>> = { sms: 'Text message', email: 'Email', letter: 'Letter' };
const OUTBOX_STATUS: Readonly<Record<string, { text: string; colour: TagColour }>> = {
  pending: { text: 'Waiting to send', colour: 'yellow' },
  sent: { text: 'Sent', colour: 'green' },
  failed: { text: 'Failed', colour: 'red' },
};

interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
  period?: { end?: string };
}

function phoneNumbers(patient: Resource | undefined): string[] {
  const telecom = Array.isArray(patient?.telecom) ? (patient.telecom as ContactPoint[]) : [];
  return telecom.filter((t) => (t.system === 'phone' || t.system === 'sms') && t.value !== undefined && t.use !== 'old' && t.period?.end === undefined).map((t) => `${t.value ?? ''}${t.use === 'mobile' ? ' (mobile)' : t.use === 'home' ? ' (home)' : t.use === 'work' ? ' (work)' : ''}`);
}

/** What to know before the call, from the person's profile: an interpreter, BSL, not safe at home… */
function helpNeeded(patient: Resource | undefined): string[] {
  if (patient === undefined) return [];
  return accessNeedsSummary(readAccessNeeds(patient)).filter((line) => !line.startsWith('How they like to be contacted'));
}

const lines = (text: string): SafeHtml => html`${text.split('\n').map((line, i) => html`${i > 0 ? html`<br>` : html``}${line}`)}`;

export interface CallFormState {
  /** the call whose form was refused */
  communicationId: string;
  errors: FieldErrors;
  typed: FormFields;
}

function callSection(call: StaffCall, csrf: string, refused: CallFormState | undefined): SafeHtml {
  const c = call.communication;
  const id = c.id;
  const name = call.patient !== undefined ? personName(call.patient) : 'A person you cannot see';
  const payload = Array.isArray(c.payload) ? ((c.payload as { contentString?: string }[])[0]?.contentString ?? '') : '';
  const topic = (c.topic as { text?: string } | undefined)?.text;
  const mine = refused?.communicationId === id ? refused : undefined;
  const errors = mine?.errors ?? [];
  const phones = phoneNumbers(call.patient);
  const help = helpNeeded(call.patient);
  return html`<section class="app-call" aria-labelledby="call-${id}">
<h3 id="call-${id}">${call.patient !== undefined ? html`<a href="/app/staff/people/${call.patient.id}">${name}</a>` : name}: ${templateWords(topic)}</h3>
${summaryList([
  ...(call.patient !== undefined ? [{ key: 'NHS number', value: nhsNumberOf(call.patient) ?? 'Not recorded' }] : []),
  { key: 'Phone', value: phones.length > 0 ? lines(phones.join('\n')) : 'No phone number recorded: check their record' },
  { key: 'Why phone', value: call.reasons.length > 0 ? html`<ul class="nhsuk-list nhsuk-list--bullet">${call.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : 'Not recorded' },
  ...(help.length > 0 ? [{ key: 'Before you call', value: html`<ul class="nhsuk-list nhsuk-list--bullet">${help.map((h) => html`<li>${h}</li>`)}</ul>` }] : []),
  { key: 'What to tell them', value: payload !== '' ? lines(payload) : 'No message text recorded' },
  { key: 'Waiting since', value: shortDateTimeText(c.meta.lastUpdated) },
])}
${form(
  `/app/staff/messages/calls/${id}`,
  csrf,
  html`<input type="hidden" name="version" value="${c.meta.versionId}">
${radios({
  name: `outcome-${id}`,
  legend: `Did you speak to ${name}?`,
  items: [
    { value: 'reached', text: 'Yes, I gave them the message' },
    { value: 'no-answer', text: 'No answer: keep it on the list' },
  ],
  value: mine !== undefined ? fieldText(mine.typed, `outcome-${id}`) : '',
  errors,
  inline: true,
  small: true,
})}
${textarea({ id: `note-${id}`, label: 'Note (optional)', hint: 'For example, what they said or when to try again.', value: mine !== undefined ? fieldText(mine.typed, `note-${id}`) : '', errors, rows: 2, maxLength: MAX_CALL_NOTE_LENGTH })}
${button('Record the call', { secondary: true })}`,
)}
</section>`;
}

function outboxSection(outbox: OutboxPage): SafeHtml {
  if (outbox.rows.length === 0) return html`<p>No messages are waiting to be sent.</p>`;
  const rows = outbox.rows.map(({ message, communication }) => {
    const status = OUTBOX_STATUS[message.status] ?? { text: message.status, colour: 'grey' as const };
    const subject = (communication.subject as { reference?: string } | undefined)?.reference;
    return [
      shortDateTimeText(message.createdAt),
      subject?.startsWith('Patient/') === true ? html`<a href="/app/staff/people/${subject.slice('Patient/'.length)}">Their record</a>` : '',
      CHANNEL_WORDS[message.channel] ?? message.channel,
      lines(message.recipient),
      templateWords(message.template),
      tag(status.text, status.colour),
    ];
  });
  const previous = outbox.page > 1 ? `/app/staff/messages?page=${outbox.page - 1}#outbox` : undefined;
  const next = outbox.hasNext ? `/app/staff/messages?page=${outbox.page + 1}#outbox` : undefined;
  return html`${table('Messages waiting in the outbox', ['Created', 'Person', 'Channel', 'Recipient', 'Template', 'Status'], rows, { captionHidden: true })}
${pageLinks({ ...(previous !== undefined ? { previous } : {}), ...(next !== undefined ? { next } : {}), label: `Page ${outbox.page}` })}
${outbox.truncated ? html`<p class="nhsuk-body-s">Only the oldest waiting messages are shown here. Each person’s record lists all their messages.</p>` : html``}`;
}

export interface MessagesPageInput {
  calls: StaffCallPage;
  /** the link to the first page of calls, when this is a later one */
  callsFirstHref?: string;
  callsNextHref?: string;
  outbox: OutboxPage;
  csrf: string;
  /** a call was just recorded */
  recorded?: boolean;
  refused?: CallFormState;
  /** a message that is not about one field (the call was recorded by someone else meanwhile) */
  notice?: string;
}

export function renderMessagesPage(input: MessagesPageInput): PageContent {
  const calls = input.calls.calls;
  const main = html`<h1>Messages</h1>
${doneBanner(input.recorded === true ? 'The call is recorded.' : undefined)}
${input.notice !== undefined ? insetText(input.notice) : html``}
<h2 id="calls">Calls to make</h2>
<p>These people could not be sent this message in writing, so someone must phone them. The oldest are first.</p>
${input.calls.hidden === true ? html`<p>Your role does not let you see messages.</p>` : calls.length === 0 ? html`<p>There are no calls to make.</p>` : html`${calls.map((call) => callSection(call, input.csrf, input.refused))}${pagination(input.callsFirstHref, input.callsNextHref)}`}
<h2 id="outbox">Waiting in the outbox</h2>
<p>Text messages, emails and letters wait here until they are sent.</p>
${outboxSection(input.outbox)}`;
  return { title: 'Messages', main, ...(input.refused !== undefined ? { errors: input.refused.errors } : {}) };
}
