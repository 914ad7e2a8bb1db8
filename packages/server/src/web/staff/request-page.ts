/**
 * The request page: the person's access needs before anything else, then who the request is for,
 * who filled it in and why, the answers (those the form marks as concerning first and marked),
 * when the person should hear back, who else is looking at it, the notes, who has it, and the
 * outcome: book, reply, sign-post, refer or close with a reason. Each change is its own small form
 * (no JavaScript), carrying the version the member of staff saw so a concurrent edit is caught.
 *
 * Pure rendering: a view in, HTML out. The handlers are in request-routes.ts.
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, button, form, insetText, select, summaryList, tag, textInput, textarea, type FieldErrors } from '../components.ts';
import type { PersonSummary } from './request-data.ts';
import type { Choice } from './staff-colleagues.ts';
import { routeWords } from '../shared/request-words.ts';
import { CATEGORY_WORDS, type AnswerLine, type RequestFacts, type TriageNote } from './request-facts.ts';
import { accessNeedsCallout, doneBanner } from './staff-components.ts';
import { dateTimeText, linkTo } from './staff-format.ts';

export const OutcomeForm = { reply: 'reply', signPost: 'sign-post', refer: 'refer', close: 'close' } as const;
export type OutcomeForm = (typeof OutcomeForm)[keyof typeof OutcomeForm];

export interface RequestPageView {
  requestId: string;
  /** the Task version this page shows: every form sends it back (If-Match) */
  version: string;
  org?: string;
  csrf: string;
  person: PersonSummary;
  facts: RequestFacts;
  submittedBy?: string;
  alsoViewing: readonly string[];
  answers: readonly AnswerLine[];
  notes: readonly TriageNote[];
  /** the name of who has it, when assigned to a member of staff */
  assignedTo?: string;
  assignedToMe: boolean;
  colleagues: readonly Choice[];
  referTargets: readonly Choice[];
  outcome: readonly string[];
  /** offers of times waiting for the person's choice: where to record it */
  offers: readonly { href: string; offeredOn?: string }[];
  /** what was just done (after a redirect) */
  done?: string;
  /** what was typed, kept when a form comes back with errors */
  values: Readonly<Record<string, string>>;
  errors?: FieldErrors;
  /** the outcome form to show open (the one with errors) */
  openForm?: OutcomeForm;
}

export const DONE_WORDS: Readonly<Record<string, string>> = {
  assigned: 'The request is assigned.',
  unassigned: 'The request is back with the organisation.',
  note: 'Your note is saved.',
  reply: 'Your reply is sent and the request is closed as replied.',
  'reply-phone': 'The request is closed as replied. They cannot get a written reply: your reply is on the staff call list, so phone them.',
  'reply-not-sent': 'The request is closed as replied, but your reply could not be sent. Phone them: the reason is on the staff call list.',
  'sign-post': 'The request is closed as sign-posted.',
  refer: 'The request is closed as referred.',
  close: 'The request is closed.',
  offered: 'The times are offered. They can choose one online, or tell you when you call.',
  booked: 'The appointment is booked.',
};

export function requestTitle(view: Pick<RequestPageView, 'person'>): string {
  return `Request from ${view.person.name}`;
}

function statusTags(facts: RequestFacts): SafeHtml {
  return html`<p class="nhsuk-body app-tags">${facts.urgent ? html`${tag('Urgent', 'red')} ` : html``}${facts.overdue ? html`${tag('Overdue', 'orange')} ` : html``}${
    facts.category !== undefined ? html`${tag(CATEGORY_WORDS[facts.category] ?? facts.category, 'blue')} ` : html``
  }${facts.route !== undefined ? html`${tag(routeWords(facts.route), 'grey')} ` : html``}${facts.open ? html`` : tag('Closed', 'green')}</p>`;
}

function personCell(person: PersonSummary): SafeHtml {
  return html`${person.name}${person.age !== undefined ? html`, ${person.age} years old` : html``}${person.nhsNumber !== undefined ? html`<br>NHS number ${person.nhsNumber}` : html``}`;
}

function respondByCell(facts: RequestFacts): SafeHtml {
  if (facts.respondBy === undefined) return html`Not set`;
  return html`${dateTimeText(facts.respondBy)}${facts.overdue ? html` ${tag('Overdue', 'orange')}` : html``}`;
}

function answersBlock(answers: readonly AnswerLine[]): SafeHtml {
  if (answers.length === 0) return html`<p class="nhsuk-body">There are no answers to show.</p>`;
  const concerning = answers.filter((a) => a.concerning);
  const ordered = [...concerning, ...answers.filter((a) => !a.concerning)];
  return html`${concerning.length > 0 ? html`<p class="nhsuk-body"><strong>${concerning.length === 1 ? '1 answer' : `${concerning.length} answers`} to look at first</strong>, marked below.</p>` : html``}
${summaryList(
  ordered.map((a) => ({
    key: a.question,
    value: a.concerning ? html`${tag('Look at this first', 'red')}<br><strong>${a.answer}</strong>` : a.answer,
  })),
)}`;
}

function notesBlock(view: RequestPageView, base: string): SafeHtml {
  return html`<h2 class="nhsuk-heading-m" id="notes">Notes</h2>
${
  view.notes.length === 0
    ? html`<p class="nhsuk-body">No notes yet.</p>`
    : html`<ul class="nhsuk-list app-notes">${view.notes.map((n) => html`<li class="app-note"><p class="nhsuk-body nhsuk-u-margin-bottom-1">${n.text}</p><p class="nhsuk-body-s">${n.author ?? 'Someone'}${n.time !== undefined ? html`, ${dateTimeText(n.time)}` : html``}</p></li>`)}</ul>`
}
${form(
  `${base}/notes`,
  view.csrf,
  html`<input type="hidden" name="version" value="${view.version}">${orgField(view)}
  ${textarea({ id: 'note', label: 'Add a note', hint: 'Only staff see notes.', rows: 3, value: view.values.note ?? '', ...errorsOf(view) })}
  ${button('Save note', { secondary: true })}`,
)}`;
}

const orgField = (view: Pick<RequestPageView, 'org'>): SafeHtml => (view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``);
const errorsOf = (view: RequestPageView): { errors?: FieldErrors } => (view.errors !== undefined ? { errors: view.errors } : {});

function assignBlock(view: RequestPageView, base: string): SafeHtml {
  const items: Choice[] = [
    ...(view.assignedToMe ? [] : [{ value: 'me', text: 'Me' }]),
    ...view.colleagues,
    ...(view.assignedTo !== undefined ? [{ value: 'unassign', text: 'Nobody: back to the organisation' }] : []),
  ];
  return html`<h2 class="nhsuk-heading-m" id="assign">Who has it</h2>
<p class="nhsuk-body">${view.assignedTo !== undefined ? html`Assigned to <strong>${view.assignedTo}</strong>${view.assignedToMe ? ' (you)' : ''}.` : html`Not assigned: it is with the organisation.`}</p>
${
  view.facts.open
    ? html`${
        view.assignedToMe
          ? html``
          : form(`${base}/assign`, view.csrf, html`<input type="hidden" name="version" value="${view.version}">${orgField(view)}<input type="hidden" name="assignTo" value="me">${button('Assign to me')}`)
      }
${form(
  `${base}/assign`,
  view.csrf,
  html`<input type="hidden" name="version" value="${view.version}">${orgField(view)}
  ${select({ id: 'assignTo', label: 'Assign to someone else', items, value: view.values.assignTo ?? '', ...errorsOf(view) })}
  ${button('Assign', { secondary: true })}`,
)}`
    : html``
}`;
}

function details(summary: string, open: boolean, body: SafeHtml): SafeHtml {
  return html`<details class="nhsuk-details"${open ? html` open` : html``}><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">${summary}</span></summary><div class="nhsuk-details__text">${body}</div></details>`;
}

function outcomeBlock(view: RequestPageView, base: string): SafeHtml {
  if (!view.facts.open) {
    return html`<h2 class="nhsuk-heading-m" id="outcome">Outcome</h2>${view.outcome.length > 0 ? html`<ul class="nhsuk-list">${view.outcome.map((o) => html`<li>${o}</li>`)}</ul>` : html`<p class="nhsuk-body">This request is ${view.facts.status}.</p>`}`;
  }
  const hidden = html`<input type="hidden" name="version" value="${view.version}">${orgField(view)}`;
  const open = (which: OutcomeForm): boolean => view.openForm === which;
  return html`<h2 class="nhsuk-heading-m" id="outcome">What happens next</h2>
${
  view.offers.length > 0
    ? insetText(html`<p>Times have been offered and they have not chosen yet.</p><ul class="nhsuk-list">${view.offers.map((o) => html`<li><a href="${o.href}">Record the time they chose${o.offeredOn !== undefined ? html`<span class="nhsuk-u-visually-hidden"> (offered ${dateTimeText(o.offeredOn)})</span>` : html``}</a></li>`)}</ul>`)
    : html``
}
<p class="nhsuk-body"><a class="nhsuk-button" href="${linkTo(`${base}/book`, view.org)}">Book an appointment</a></p>
${details(
  `Reply to ${view.person.firstName}`,
  open('reply'),
  form(
    `${base}/outcome`,
    view.csrf,
    html`${hidden}<input type="hidden" name="outcome" value="reply">
    ${textarea({ id: 'reply', label: 'Your reply', hint: 'It goes the way their needs say: a text, an email, a letter, the app, or the staff call list.', rows: 5, value: view.values.reply ?? '', ...errorsOf(view) })}
    ${button('Send reply and close')}`,
  ),
)}
${details(
  'Sign-post to another service',
  open('sign-post'),
  form(
    `${base}/outcome`,
    view.csrf,
    html`${hidden}<input type="hidden" name="outcome" value="sign-post">
    ${textInput({ id: 'signPostTo', label: 'Where to', hint: 'For example: a community pharmacy, NHS 111 online, a local support group.', value: view.values.signPostTo ?? '', ...errorsOf(view) })}
    ${button('Sign-post and close')}`,
  ),
)}
${details(
  'Refer to another organisation or service',
  open('refer'),
  form(
    `${base}/outcome`,
    view.csrf,
    html`${hidden}<input type="hidden" name="outcome" value="refer">
    ${select({ id: 'referTo', label: 'Refer to', items: [{ value: '', text: 'Choose an organisation' }, ...view.referTargets], value: view.values.referTo ?? '', ...errorsOf(view) })}
    ${textInput({ id: 'referToText', label: 'Or say who, if they are not in the list', value: view.values.referToText ?? '', ...errorsOf(view) })}
    ${button('Refer and close')}`,
  ),
)}
${details(
  'Close without another outcome',
  open('close'),
  form(
    `${base}/outcome`,
    view.csrf,
    html`${hidden}<input type="hidden" name="outcome" value="close">
    ${textarea({ id: 'reason', label: 'Why are you closing it?', hint: 'The person sees that it is closed. Say why in words they would understand.', rows: 3, value: view.values.reason ?? '', ...errorsOf(view) })}
    ${button('Close request', { warning: true })}`,
  ),
)}`;
}

export function renderRequestPage(view: RequestPageView): SafeHtml {
  const base = `/app/staff/requests/${encodeURIComponent(view.requestId)}`;
  const facts = view.facts;
  return html`${backLink(linkTo('/app/staff', view.org), 'Back to the inbox')}
<h1 class="nhsuk-heading-l">${requestTitle(view)}</h1>
${accessNeedsCallout(view.person.firstName, view.person.needsLines, view.person.carer)}
${doneBanner(view.done !== undefined ? DONE_WORDS[view.done] : undefined)}
${view.alsoViewing.length > 0 ? insetText(html`<p><strong>Also viewing:</strong> ${view.alsoViewing.join(', ')}</p>`) : html``}
${statusTags(facts)}
${summaryList([
  { key: 'For', value: personCell(view.person) },
  { key: 'Filled in by', value: html`${view.submittedBy ?? 'Not recorded'}${facts.submittedForReason !== undefined ? html`<br>Why: ${facts.submittedForReason}` : html``}` },
  { key: 'How it came', value: routeWords(facts.route) },
  { key: 'Received', value: facts.authoredOn !== undefined ? dateTimeText(facts.authoredOn) : 'Not recorded' },
  { key: 'Respond by', value: respondByCell(facts) },
  { key: 'What they see', value: facts.businessStatus ?? 'Received' },
])}
<h2 class="nhsuk-heading-m" id="answers">Their answers</h2>
${answersBlock(view.answers)}
${assignBlock(view, base)}
${outcomeBlock(view, base)}
${notesBlock(view, base)}`;
}
