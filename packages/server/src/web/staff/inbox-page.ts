/**
 * The triage inbox: the organisation's open requests, urgent first, then overdue, then oldest; tabs
 * as links with counts; each row shows who it is for (name, age, NHS number), what kind of request,
 * its tags (Urgent, Overdue, how it came), the person's access needs and carer, when it came, when
 * they should hear back, and who has it, and links to the request. A page at a time.
 *
 * Pure rendering: a view in, HTML out. The handler is in inbox-routes.ts.
 */
import type { InboxCounts, InboxFilter, InboxRow } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, form, select, table, tag } from '../components.ts';
import { CATEGORY_WORDS } from './request-facts.ts';
import { routeWords } from '../shared/request-words.ts';
import type { Choice } from './staff-colleagues.ts';
import { pagination, personLine, tabLinks } from './staff-components.ts';
import { nhsNumberText, shortDateTimeText } from './staff-format.ts';

export const TABS: readonly { filter: InboxFilter; text: string }[] = [
  { filter: 'all', text: 'All open' },
  { filter: 'unassigned', text: 'Unassigned' },
  { filter: 'mine', text: 'Assigned to me' },
  { filter: 'medical', text: 'Medical' },
  { filter: 'admin', text: 'Admin' },
  { filter: 'overdue', text: 'Overdue' },
];

export interface InboxView {
  organisation: { id: string; name: string };
  /** the organisations to choose from, when the person has roles at several */
  organisations: readonly Choice[];
  filter: InboxFilter;
  counts: InboxCounts;
  rows: readonly InboxRow[];
  /** names of who has a request, by "PractitionerRole/…" */
  staffNames: ReadonlyMap<string, string>;
  myRole: string;
  pageNumber: number;
  /** links built by the handler */
  tabHref(filter: InboxFilter): string;
  previous?: string;
  next?: string;
  requestHref(taskId: string): string;
}

export function inboxTitle(view: Pick<InboxView, 'organisation' | 'filter'>): string {
  const tab = TABS.find((t) => t.filter === view.filter)?.text ?? 'All open';
  return `${tab} requests – ${view.organisation.name}`;
}

function requestCell(row: InboxRow): SafeHtml {
  const tags = [
    ...(row.urgent ? [tag('Urgent', 'red')] : []),
    ...(row.overdue ? [tag('Overdue', 'orange')] : []),
    ...(row.category !== undefined ? [tag(CATEGORY_WORDS[row.category] ?? row.category, 'blue')] : []),
    ...(row.route !== undefined ? [tag(routeWords(row.route), 'grey')] : []),
  ];
  return html`${tags.map((t) => html`${t} `)}${
    row.concerningAnswers.length > 0
      ? html`<br><span class="nhsuk-body-s"><strong>Look at first:</strong> ${row.concerningAnswers.map((a) => `${a.question}: ${a.answer}`).join('; ')}</span>`
      : html``
  }${row.submittedBy !== undefined && row.submittedForReason !== undefined ? html`<br><span class="nhsuk-body-s">Filled in for them: ${row.submittedForReason}</span>` : html``}`;
}

function needsCell(row: InboxRow): SafeHtml {
  const lines = row.accessNeeds.filter((l) => !l.startsWith('A carer helps them'));
  const carer = row.carer !== undefined ? `Carer: ${row.carer.name ?? 'recorded'}` : undefined;
  const all = [...lines, ...(carer !== undefined ? [carer] : [])];
  if (all.length === 0) return html`<span class="nhsuk-body-s">None recorded</span>`;
  return html`<ul class="nhsuk-list nhsuk-body-s app-needs">${all.map((l) => html`<li>${l}</li>`)}</ul>`;
}

function assignedCell(row: InboxRow, view: InboxView): string {
  if (row.assignedTo === undefined) return 'Nobody yet';
  if (row.assignedTo.reference === view.myRole) return 'You';
  return row.assignedTo.display ?? view.staffNames.get(row.assignedTo.reference) ?? 'A member of staff';
}

export function renderInboxPage(view: InboxView): SafeHtml {
  const tabText = TABS.find((t) => t.filter === view.filter)?.text ?? 'All open';
  const rows = view.rows.map((row) => [
    html`<a href="${view.requestHref(row.taskId)}">${personLine(row.patient?.name ?? 'Name not recorded', row.patient?.age, row.patient?.nhsNumber !== undefined ? nhsNumberText(row.patient.nhsNumber) : undefined)}<span class="nhsuk-u-visually-hidden">: open the request</span></a>`,
    requestCell(row),
    needsCell(row),
    row.authoredOn !== undefined ? shortDateTimeText(row.authoredOn) : '',
    row.respondBy !== undefined ? html`${shortDateTimeText(row.respondBy)}${row.overdue ? html`<br>${tag('Overdue', 'orange')}` : html``}` : 'Not set',
    assignedCell(row, view),
  ]);
  return html`<h1 class="nhsuk-heading-l">Inbox<span class="nhsuk-caption-l">${view.organisation.name}</span></h1>
${
  view.organisations.length > 1
    ? form(
        '/app/staff',
        '',
        html`${select({ id: 'org', label: 'Organisation', items: view.organisations, value: view.organisation.id })}${button('Show inbox', { secondary: true })}`,
        { method: 'get', id: 'choose-organisation' },
      )
    : html``
}
${tabLinks(
  'Inbox tabs',
  TABS.map((t) => ({ href: view.tabHref(t.filter), text: t.text, count: view.counts[t.filter], current: t.filter === view.filter })),
)}
${
  rows.length === 0
    ? html`<p class="nhsuk-body">There are no requests here${view.pageNumber > 1 ? ' on this page' : ''}.</p>`
    : table(`${tabText} requests, urgent first${view.pageNumber > 1 ? `, page ${view.pageNumber}` : ''}`, ['Person', 'Request', 'Access needs and carer', 'Received', 'Respond by', 'Assigned to'], rows)
}
${pagination({ ...(view.previous !== undefined ? { previous: view.previous } : {}), ...(view.next !== undefined ? { next: view.next } : {}), label: `Page ${view.pageNumber}` })}`;
}
