/**
 * The staff's people pages as HTML: finding a person, the person (access needs first, then
 * contact details, carers and what their consent lets them do, requests, appointments and
 * messages), and editing their access needs. Pure rendering: data in, a page's title and main
 * content out; nothing here reads the record or a request.
 */
import { accessNeedsSummary, nameOf, readAccessNeeds, type AccessNeeds } from '@kindred/care';
import type { Resource, StoredResource } from '@kindred/fhir';
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, button, form, summaryList, table, tag, textInput, warningCallout, type FieldErrors, type SummaryRow, type TagColour } from '../components.ts';
import { renderAccessNeedsFields, type CarerChoice } from '../shared/access-needs-form.ts';
import type { FormFields } from '../web-context.ts';
import { formatCalendarDate } from './people-format.ts';
import { accessNeedsCallout, doneBanner } from './staff-components.ts';
import { ageOn, firstNameOf, nhsNumberOf, shortDateTimeText } from './staff-format.ts';
import type { CarerOfPerson, PersonRecord, RecordPart } from './people-record.ts';

export interface PageContent {
  title: string;
  main: SafeHtml;
  errors?: FieldErrors;
}

const EXT = 'https://kindred.health/fhir/StructureDefinition/';
const MODALITY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/consultation-modality';

export const personName = (patient: Resource): string => nameOf(patient) ?? 'Name not recorded';

interface Address {
  use?: string;
  line?: string[];
  city?: string;
  postalCode?: string;
  period?: { end?: string };
}
interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
  period?: { end?: string };
}
interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
interface Extension {
  url?: string;
  valueCode?: string;
  valueString?: string;
  valueCoding?: Coding;
  valueReference?: { reference?: string; display?: string };
}

const statusOf = (resource: Resource): string => (typeof resource.status === 'string' ? resource.status : '');
const listOf = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const currentOf = <T extends { use?: string; period?: { end?: string } }>(value: unknown): T[] => listOf<T>(value).filter((x) => x.use !== 'old' && x.period?.end === undefined);
const extensionOf = (resource: Resource, name: string): Extension | undefined => listOf<Extension>(resource.extension).find((e) => e.url === `${EXT}${name}`);

function homeAddress(patient: Resource): Address | undefined {
  const addresses = currentOf<Address>(patient.address);
  return addresses.find((a) => a.use === 'home') ?? addresses[0];
}

// ---------------------------------------------------------------- finding a person

export interface PeopleResults {
  described: string;
  people: readonly StoredResource[];
  /** the link to the next page, when there is one */
  nextHref?: string;
  /** the link back to the first page, when this is a later one */
  firstHref?: string;
}

export function renderPeopleSearchPage(query: string, outcome: { results?: PeopleResults; error?: string }, now: number): PageContent {
  const errors: FieldErrors = outcome.error !== undefined ? [{ field: 'q', message: outcome.error }] : [];
  const results = outcome.results;
  const rows = (results?.people ?? []).map((p) => {
    const age = ageOn(typeof p.birthDate === 'string' ? p.birthDate : undefined, now);
    const needs = accessNeedsSummary(readAccessNeeds(p)).filter((line) => !line.startsWith('How they like to be contacted'));
    return [
      html`<a href="/app/staff/people/${p.id}">${personName(p)}</a>`,
      nhsNumberOf(p) ?? 'Not recorded',
      typeof p.birthDate === 'string' ? `${formatCalendarDate(p.birthDate)}${age !== undefined ? ` (${age})` : ''}` : 'Not recorded',
      homeAddress(p)?.postalCode ?? '',
      needs.slice(0, 2).join('. '),
    ];
  });
  const found =
    results === undefined
      ? html``
      : rows.length === 0
        ? html`<p>No one found for ${results.described}. Check what you typed, or search by NHS number or date of birth.</p>`
        : html`${table(`People found for ${results.described}`, ['Name', 'NHS number', 'Date of birth', 'Postcode', 'Needs'], rows)}${pagination(results.firstHref, results.nextHref)}`;
  const main = html`<h1>Find a person</h1>
${form(
  '/app/staff/people',
  '',
  html`${textInput({ id: 'q', label: 'Name, NHS number or date of birth', hint: 'For example, Ann Smith, 943 476 5919 or 3/2/1950', value: query, errors, type: 'search', width: 20, autocomplete: 'off' })}${button('Search', { secondary: true })}`,
  { method: 'get' },
)}
${found}`;
  return { title: results !== undefined && rows.length > 0 ? `People found for ${results.described}` : 'Find a person', main, errors };
}

/** First-page and next-page links (NHS.UK pagination): cursor paging goes forward, and back to the start. */
export function pagination(firstHref: string | undefined, nextHref: string | undefined): SafeHtml {
  if (firstHref === undefined && nextHref === undefined) return html``;
  return html`<nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
  <ul class="nhsuk-list nhsuk-pagination__list">
    ${firstHref !== undefined ? html`<li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="${firstHref}"><span class="nhsuk-pagination__title">First page</span></a></li>` : html``}
    ${nextHref !== undefined ? html`<li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href="${nextHref}"><span class="nhsuk-pagination__title">Next page</span></a></li>` : html``}
  </ul>
</nav>`;
}

// ---------------------------------------------------------------- the person

const CARER_ACTION_WORDS: Readonly<Record<string, string>> = {
  'view-record': 'see their record',
  book: 'book appointments',
  message: 'send messages for them',
  'manage-requests': 'ask for help and follow requests for them',
};

/** The access needs before anything else, as on every staff page: staff read them before every contact. */
function needsCallout(patient: Resource, name: string, person: PersonRecord): SafeHtml {
  const lines = accessNeedsSummary(person.needs).filter((line) => !line.startsWith('A carer helps them'));
  const carer = person.needs.carerHelps === undefined || person.carers.hidden ? undefined : person.carers.items.find((c) => `RelatedPerson/${c.relatedPerson.id}` === person.needs.carerHelps);
  const carerName = carer === undefined ? (person.needs.carerHelps !== undefined ? 'a carer helps them (see below)' : undefined) : `${nameOf(carer.relatedPerson) ?? 'name not recorded'} helps them`;
  return accessNeedsCallout(firstNameOf(patient, name), lines, carerName);
}

function hiddenPart(what: string): SafeHtml {
  return html`<p>Your role does not let you see ${what}.</p>`;
}

function contactRows(patient: Resource, now: number): SummaryRow[] {
  const telecom = currentOf<ContactPoint>(patient.telecom);
  const address = homeAddress(patient);
  const age = ageOn(typeof patient.birthDate === 'string' ? patient.birthDate : undefined, now);
  const words: Readonly<Record<string, string>> = { phone: 'Phone', sms: 'Mobile', email: 'Email' };
  return [
    { key: 'NHS number', value: nhsNumberOf(patient) ?? 'Not recorded' },
    { key: 'Date of birth', value: typeof patient.birthDate === 'string' ? `${formatCalendarDate(patient.birthDate)}${age !== undefined ? ` (${age} years old)` : ''}` : 'Not recorded' },
    {
      key: 'Address',
      value:
        address !== undefined
          ? html`${[...(address.line ?? []), address.city ?? '', address.postalCode ?? ''].filter((l) => l.trim() !== '').map((l, i) => html`${i > 0 ? html`<br>` : html``}${l}`)}`
          : 'Not recorded',
    },
    ...(telecom.length > 0
      ? telecom.filter((t) => t.value !== undefined).map((t) => ({ key: `${words[t.system ?? ''] ?? 'Contact'}${t.use === 'mobile' ? ' (mobile)' : t.use === 'work' ? ' (work)' : ''}`, value: t.value ?? '' }))
      : [{ key: 'Phone and email', value: 'Not recorded' }]),
  ];
}

function carersSection(carers: RecordPart<CarerOfPerson>, needs: AccessNeeds): SafeHtml {
  if (carers.hidden) return hiddenPart('their carers');
  if (carers.items.length === 0) return html`<p>No carer is recorded.</p>`;
  const rows = carers.items.map((carer) => {
    const rp = carer.relatedPerson;
    const relationship = listOf<{ text?: string; coding?: Coding[] }>(rp.relationship)
      .map((r) => r.text ?? r.coding?.[0]?.display ?? '')
      .filter((t) => t !== '')
      .join(', ');
    const phone = currentOf<ContactPoint>(rp.telecom).find((t) => t.value !== undefined)?.value;
    const helps = needs.carerHelps === `RelatedPerson/${rp.id}`;
    const may = carer.consented
      ? carer.actions.length > 0
        ? `Their consent lets them ${carer.actions.map((a) => CARER_ACTION_WORDS[a] ?? a).join(', ')}.`
        : 'Their consent names them, but lets them do nothing on Kindred yet.'
      : carer.consentEnded !== undefined
        ? `Their consent ended on ${formatCalendarDate(carer.consentEnded.slice(0, 10))}: they cannot act for them now.`
        : 'No consent is recorded: they cannot see the record or act for them.';
    return [html`${nameOf(rp) ?? 'Name not recorded'}${helps ? html` ${tag('Helps with contact', 'blue')}` : html``}`, relationship, phone ?? '', may];
  });
  return table('Carers', ['Name', 'Relationship', 'Phone', 'What they may do'], rows, { captionHidden: true });
}

const TASK_STATUS: Readonly<Record<string, { text: string; colour: TagColour }>> = {
  draft: { text: 'Draft', colour: 'grey' },
  requested: { text: 'Received', colour: 'blue' },
  received: { text: 'Received', colour: 'blue' },
  accepted: { text: 'Being looked at', colour: 'yellow' },
  ready: { text: 'Being looked at', colour: 'yellow' },
  'in-progress': { text: 'Being looked at', colour: 'yellow' },
  'on-hold': { text: 'On hold', colour: 'orange' },
  completed: { text: 'Done', colour: 'green' },
  cancelled: { text: 'Closed', colour: 'grey' },
  rejected: { text: 'Closed', colour: 'grey' },
  failed: { text: 'Closed', colour: 'grey' },
  'entered-in-error': { text: 'Entered in error', colour: 'grey' },
};

export function requestStatusTag(task: Resource): SafeHtml {
  const status = TASK_STATUS[statusOf(task)] ?? { text: statusOf(task) || 'Unknown', colour: 'grey' as const };
  return tag(status.text, status.colour);
}

const ROUTE_WORDS: Readonly<Record<string, string>> = { 'online-self': 'Online, by themself', 'online-assisted': 'Online, with help', phone: 'By phone', 'in-person': 'In person' };

function requestsSection(requests: RecordPart<StoredResource>): SafeHtml {
  if (requests.hidden) return hiddenPart('their requests');
  if (requests.items.length === 0) return html`<p>No requests.</p>`;
  const rows = requests.items.map((task) => {
    const category = extensionOf(task, 'request-category')?.valueCode;
    const route = extensionOf(task, 'request-route')?.valueCode;
    const business = (task.businessStatus as { text?: string } | undefined)?.text;
    return [
      html`<a href="/app/staff/requests/${task.id}">${typeof task.authoredOn === 'string' ? shortDateTimeText(task.authoredOn) : 'Date not recorded'}</a>`,
      category === 'admin' ? 'Admin' : category === 'medical' ? 'Medical' : '',
      ROUTE_WORDS[route ?? ''] ?? '',
      html`${requestStatusTag(task)}${task.priority === 'urgent' ? html` ${tag('Urgent', 'red')}` : html``}${business !== undefined ? html`<br><span class="nhsuk-body-s">${business}</span>` : html``}`,
    ];
  });
  return html`${table('Requests', ['Received', 'Type', 'How they asked', 'Status'], rows, { captionHidden: true })}${requests.more ? html`<p>Showing the latest ${requests.items.length}.</p>` : html``}`;
}

const APPOINTMENT_STATUS: Readonly<Record<string, { text: string; colour: TagColour }>> = {
  proposed: { text: 'Offered', colour: 'purple' },
  pending: { text: 'Offered', colour: 'purple' },
  booked: { text: 'Booked', colour: 'blue' },
  arrived: { text: 'Arrived', colour: 'green' },
  fulfilled: { text: 'Attended', colour: 'green' },
  cancelled: { text: 'Cancelled', colour: 'grey' },
  noshow: { text: 'Did not attend', colour: 'orange' },
  'checked-in': { text: 'Checked in', colour: 'green' },
  waitlist: { text: 'Waiting list', colour: 'yellow' },
  'entered-in-error': { text: 'Entered in error', colour: 'grey' },
};

const MODALITY_WORDS: Readonly<Record<string, string>> = { video: 'Video', phone: 'Phone', 'face-to-face': 'Face to face', 'home-visit': 'Home visit' };

export function modalityOf(appointment: Resource): string | undefined {
  const coding = listOf<{ coding?: Coding[] }>(appointment.serviceType)
    .flatMap((s) => s.coding ?? [])
    .find((c) => c.system === MODALITY_SYSTEM);
  return coding?.code;
}

export function interpreterOf(appointment: Resource): string | undefined {
  const participant = listOf<{ type?: { coding?: Coding[] }[]; actor?: { display?: string } }>(appointment.participant).find((p) =>
    (p.type ?? []).some((t) => (t.coding ?? []).some((c) => c.code === 'INTRP')),
  );
  return participant === undefined ? undefined : (participant.actor?.display ?? 'Interpreter');
}

function appointmentsSection(appointments: RecordPart<StoredResource>): SafeHtml {
  if (appointments.hidden) return hiddenPart('their appointments');
  if (appointments.items.length === 0) return html`<p>No appointments.</p>`;
  const rows = appointments.items.map((a) => {
    const status = APPOINTMENT_STATUS[statusOf(a)] ?? { text: statusOf(a), colour: 'grey' as const };
    const modality = modalityOf(a);
    const interpreter = interpreterOf(a);
    return [
      typeof a.start === 'string' ? shortDateTimeText(a.start) : 'Time not set',
      MODALITY_WORDS[modality ?? ''] ?? '',
      interpreter !== undefined ? `Interpreter: ${interpreter}` : '',
      html`${tag(status.text, status.colour)}${a.status === 'cancelled' && (a.cancelationReason as { text?: string } | undefined)?.text !== undefined ? html`<br><span class="nhsuk-body-s">${(a.cancelationReason as { text?: string }).text}</span>` : html``}`,
    ];
  });
  return html`${table('Appointments', ['When', 'How', 'Help', 'Status'], rows, { captionHidden: true })}${appointments.more ? html`<p>Showing the latest ${appointments.items.length}.</p>` : html``}`;
}

const MESSAGE_STATUS: Readonly<Record<string, { text: string; colour: TagColour }>> = {
  preparation: { text: 'Being sent', colour: 'grey' },
  'in-progress': { text: 'Sent', colour: 'blue' },
  completed: { text: 'Delivered', colour: 'green' },
  'on-hold': { text: 'Staff must phone', colour: 'orange' },
  'not-done': { text: 'Not sent', colour: 'red' },
  stopped: { text: 'Stopped', colour: 'grey' },
  'entered-in-error': { text: 'Entered in error', colour: 'grey' },
};

export function messageStatusTag(communication: Resource): SafeHtml {
  const status = MESSAGE_STATUS[statusOf(communication)] ?? { text: statusOf(communication), colour: 'grey' as const };
  return tag(status.text, status.colour);
}

/** "appointment-reminder" → "Appointment reminder" */
export function templateWords(template: string | undefined): string {
  if (template === undefined || template === '') return 'Message';
  const spaced = template.replace(/[-_/]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function messagesSection(messages: RecordPart<StoredResource>): SafeHtml {
  if (messages.hidden) return hiddenPart('their messages');
  if (messages.items.length === 0) return html`<p>No messages.</p>`;
  const rows = messages.items.map((c) => {
    const medium = listOf<{ text?: string }>(c.medium)[0]?.text ?? '';
    const topic = (c.topic as { text?: string } | undefined)?.text;
    const when = shortDateTimeText(typeof c.sent === 'string' ? c.sent : c.meta.lastUpdated);
    return [when, templateWords(topic), medium, messageStatusTag(c)];
  });
  return html`${table('Messages', ['When', 'Message', 'How', 'Status'], rows, { captionHidden: true })}${messages.more ? html`<p>Showing the latest ${messages.items.length}.</p>` : html``}`;
}

export function renderPersonPage(person: PersonRecord, options: { now: number; saved?: boolean }): PageContent {
  const name = personName(person.patient);
  const id = person.patient.id;
  const main = html`${backLink('/app/staff/people', 'Find another person')}
<h1>${name}</h1>
${doneBanner(options.saved === true ? 'Their access needs are saved.' : undefined)}
<h2>Access needs</h2>
${needsCallout(person.patient, name, person)}
<p><a href="/app/staff/people/${id}/needs">Change their access needs<span class="nhsuk-u-visually-hidden"> for ${name}</span></a></p>
<h2>Contact details</h2>
${summaryList(contactRows(person.patient, options.now))}
<h2>Carers</h2>
${carersSection(person.carers, person.needs)}
<h2>Requests</h2>
${requestsSection(person.requests)}
<h2>Appointments</h2>
${appointmentsSection(person.appointments)}
<h2>Messages</h2>
${messagesSection(person.messages)}`;
  return { title: name, main };
}

// ---------------------------------------------------------------- editing their access needs

export interface NeedsFormState {
  patient: StoredResource;
  needs: AccessNeeds;
  carers: readonly CarerChoice[];
  errors: FieldErrors;
  /** what was typed into a refused form */
  typed?: FormFields;
  /** someone else saved while this person was editing: the form again, with their changes summarised */
  changedMeanwhile?: boolean;
  csrf: string;
}

export function renderNeedsPage(state: NeedsFormState): PageContent {
  const name = personName(state.patient);
  const id = state.patient.id;
  const meanwhile =
    state.changedMeanwhile === true
      ? html`<div id="changed-meanwhile" tabindex="-1">${warningCallout(
          'Someone else changed their details while you were editing',
          html`<p>Nothing you typed was saved. What is recorded now:</p><ul>${accessNeedsSummary(state.needs).map((line) => html`<li>${line}</li>`)}</ul><p>Check your changes below still make sense, then save again.</p>`,
        )}</div>`
      : html``;
  const main = html`${backLink(`/app/staff/people/${id}`, `Back to ${name}`)}
<h1>Access needs of ${name}</h1>
<p>Record these once: everyone who contacts ${name} will see them, and messages and bookings follow them.</p>
${meanwhile}
${form(
  `/app/staff/people/${id}/needs`,
  state.csrf,
  html`<input type="hidden" name="version" value="${state.patient.meta.versionId}">
${renderAccessNeedsFields(state.needs, state.errors, { voice: 'staff', carers: state.carers, ...(state.typed !== undefined ? { typed: state.typed } : {}) })}
${button('Save access needs')}`,
)}`;
  return { title: `Access needs of ${name}`, main, errors: state.errors };
}
