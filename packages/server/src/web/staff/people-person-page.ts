/**
 * The staff's page about one person as HTML: their access needs first (staff read them before
 * every contact), then contact details, carers and what each one's consent lets them do, their
 * requests, appointments and messages, each with its status. A part the role may not see says so.
 * Pure rendering: the PersonRecord (people-record.ts) in, the page out.
 */
import { PREFERRED_MODALITY_EXTENSION, accessNeedsSummary, modalityOf, categoryOf, nameOf, requestStatusForPerson, routeOf, type AccessNeeds } from '@kindred/care';
import type { Resource, StoredResource } from '@kindred/fhir';
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, summaryList, table, tag, type SummaryRow, type TagColour } from '../components.ts';
import { formatCalendarDate } from './people-format.ts';
import { currentOf, homeAddress, listOf, personName, statusOf, templateWords, type Coding, type ContactPoint, type PageContent } from './people-pages.ts';
import type { CarerOfPerson, PersonRecord, RecordPart } from './people-record.ts';
import { accessNeedsCallout, doneBanner } from './staff-components.ts';
import { ageOn, firstNameOf, nhsNumberOf, shortDateTimeText } from './staff-format.ts';
import { STAGE_TAG, appointmentStatusTag, routeWords } from '../shared/request-words.ts';

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

function requestsSection(requests: RecordPart<StoredResource>): SafeHtml {
  if (requests.hidden) return hiddenPart('their requests');
  if (requests.items.length === 0) return html`<p>No requests.</p>`;
  const rows = requests.items.map((task) => {
    const category = categoryOf(task);
    const status = requestStatusForPerson(task);
    const stage = STAGE_TAG[status.stage];
    return [
      html`<a href="/app/staff/requests/${task.id}">${typeof task.authoredOn === 'string' ? shortDateTimeText(task.authoredOn) : 'Date not recorded'}</a>`,
      category === 'admin' ? 'Admin' : category === 'medical' ? 'Medical' : '',
      routeWords(routeOf(task)),
      html`${tag(stage.text, stage.colour)}${task.priority === 'urgent' ? html` ${tag('Urgent', 'red')}` : html``}${status.by !== undefined ? html`<br><span class="nhsuk-body-s">Reply by ${shortDateTimeText(status.by)}</span>` : html``}`,
    ];
  });
  return html`${table('Requests', ['Received', 'Type', 'How they asked', 'Status'], rows, { captionHidden: true })}${requests.more ? html`<p>Showing the latest ${requests.items.length}.</p>` : html``}`;
}

const MODALITY_TEXT: Readonly<Record<string, string>> = { video: 'Video', phone: 'Phone', 'face-to-face': 'Face to face', 'home-visit': 'Home visit' };

/** The modality the person asked for (decision 0013: extension preferred-modality), when recorded. */
function preferredModalityOf(appointment: Resource): string | undefined {
  const extension = listOf<{ url?: string; valueCoding?: Coding; valueCode?: string }>(appointment.extension).find((e) => e.url === PREFERRED_MODALITY_EXTENSION);
  return extension?.valueCoding?.code ?? extension?.valueCode;
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
    const status = appointmentStatusTag(statusOf(a));
    const modality = modalityOf(a);
    const preferred = preferredModalityOf(a);
    const interpreter = interpreterOf(a);
    return [
      typeof a.start === 'string' ? shortDateTimeText(a.start) : 'Time not set',
      html`${MODALITY_TEXT[modality ?? ''] ?? ''}${preferred !== undefined && preferred !== modality ? html`<br><span class="nhsuk-body-s">They asked for ${(MODALITY_TEXT[preferred] ?? preferred).toLowerCase()}</span>` : html``}`,
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
<p><a href="/app/staff/people/${id}/virtual-ward">Enrol in a virtual ward<span class="nhsuk-u-visually-hidden">: ${name}</span></a></p>
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
