/**
 * The triage inbox of a practice or clinic (issue 4, "Triage and booking"): its open online
 * requests (Tasks with code `online-request`, decision 0013), urgent first, then overdue, then
 * oldest, a page at a time, and the counts for the tabs.
 *
 * Stays fast with 10,000 open requests: one FHIR search per page with `_include` of the Patient and
 * the answers (http://hl7.org/fhir/R4/search.html#include), sorted by the database, never a read of
 * each Task. The category (an extension) and "overdue" (respond-by against now) are not search
 * parameters, so those tabs filter the sorted pages as they are read, and the overdue scan of a
 * priority stops at the first page with none overdue: requests are read oldest first, and with the
 * practice's response target the oldest are the ones overdue.
 *
 * Reads only, through the access-checked repository it is given.
 */
import { FhirError, parseSearchRequest, type SearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { readAccessNeeds } from '../access-needs/index.ts';
import { inboxOrder, inboxRow, type InboxRow } from './inbox-row.ts';
import { REQUEST_CATEGORY_SYSTEM } from '../requests/request-vocabulary.ts';
import { ONLINE_REQUEST_CODE, OPEN_STATUSES, TASK_CODE_SYSTEM, URGENT_PRIORITIES, isOverdue } from './triage-vocabulary.ts';

export const InboxFilter = { all: 'all', unassigned: 'unassigned', mine: 'mine', admin: 'admin', medical: 'medical', overdue: 'overdue' } as const;
export type InboxFilter = (typeof InboxFilter)[keyof typeof InboxFilter];

export interface InboxQuery {
  organisationId: string;
  filter: InboxFilter;
  /** the member of staff's role: needed for "mine" */
  practitionerRoleId?: string;
  now: number;
  /** rows per page (default 25, at most 200) */
  count?: number;
  /** from the previous page's `nextCursor` */
  cursor?: string;
}

export interface InboxPage {
  rows: InboxRow[];
  nextCursor?: string;
}

/** Store pages one call reads at most before it returns what it has (with a cursor to go on). */
const MAX_PAGES_PER_CALL = 20;

interface Position {
  /** the priority section: 0 urgent, 1 the rest */
  s: number;
  /** the store's cursor of the page being read */
  c?: string;
  /** rows of that page already shown */
  k: number;
}

function encode(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decode(cursor: string | undefined): Position {
  if (cursor === undefined) return { s: 0, k: 0 };
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Position>;
    if (typeof value.s === 'number' && typeof value.k === 'number' && (value.c === undefined || typeof value.c === 'string')) {
      return { s: value.s, k: value.k, ...(value.c !== undefined ? { c: value.c } : {}) };
    }
  } catch {
    // falls through to the error below
  }
  throw new FhirError('INVALID_REQUEST', 'The inbox page link is not valid; go back to the first page.', { expression: ['cursor'] });
}

/** The references a request of the organisation is owned by: the organisation, or one of its roles when assigned. */
export async function ownersOf(repository: Repository, organisationId: string): Promise<string[]> {
  const roles = await repository.search(parseSearchRequest('PractitionerRole', [['organization', `Organization/${organisationId}`], ['_count', '1000']], { handling: 'strict' }));
  return [`Organization/${organisationId}`, ...roles.matches.map((r) => `PractitionerRole/${r.id}`)];
}

async function ownerParam(repository: Repository, query: Pick<InboxQuery, 'organisationId' | 'filter' | 'practitionerRoleId'>): Promise<string> {
  if (query.filter === 'unassigned') return `Organization/${query.organisationId}`;
  if (query.filter === 'mine') {
    if (query.practitionerRoleId === undefined) throw new FhirError('INVALID_REQUEST', 'The "mine" tab needs your practitioner role.', { expression: ['practitionerRoleId'] });
    return `PractitionerRole/${query.practitionerRoleId}`;
  }
  return (await ownersOf(repository, query.organisationId)).join(',');
}

/** The open requests of `owner`, urgent ones then the rest, oldest first; of one category when given (the Task's second code). */
function sections(owner: string, pageSize: number, withIncludes: boolean, category?: 'admin' | 'medical'): SearchRequest[] {
  const base: [string, string][] = [
    ['code', `${TASK_CODE_SYSTEM}|${ONLINE_REQUEST_CODE}`],
    ...(category !== undefined ? ([['code', `${REQUEST_CATEGORY_SYSTEM}|${category}`]] as [string, string][]) : []),
    ['status', OPEN_STATUSES.join(',')],
    ['owner', owner],
    ['_sort', 'authored-on'],
    ['_count', String(pageSize)],
    ...(withIncludes
      ? ([
          ['_include', 'Task:patient'],
          ['_include', 'Task:focus'],
        ] as [string, string][])
      : []),
  ];
  return [
    parseSearchRequest('Task', [...base, ['priority', URGENT_PRIORITIES.join(',')]], { handling: 'strict' }),
    parseSearchRequest('Task', [...base, ['priority:not', URGENT_PRIORITIES.join(',')]], { handling: 'strict' }),
  ];
}

function predicateOf(filter: InboxFilter, now: number): ((task: StoredResource) => boolean) | undefined {
  if (filter === 'overdue') return (task) => isOverdue(task, now);
  return undefined;
}

/** The carers who help the people on the page, read in one search. */
async function carersOf(repository: Repository, patients: readonly StoredResource[]): Promise<StoredResource[]> {
  const ids = [...new Set(patients.map((p) => readAccessNeeds(p).carerHelps).filter((r): r is string => r?.startsWith('RelatedPerson/') === true).map((r) => r.slice('RelatedPerson/'.length)))];
  if (ids.length === 0) return [];
  return (await repository.search(parseSearchRequest('RelatedPerson', [['_id', ids.join(',')], ['_count', String(ids.length)]], { handling: 'strict' }))).matches;
}

/** The forms the page's responses answer, by canonical ("url|version"), read once per url. */
async function questionnairesOf(repository: Repository, responses: readonly StoredResource[]): Promise<Map<string, StoredResource>> {
  const canonicals = [...new Set(responses.map((r) => r.questionnaire).filter((q): q is string => typeof q === 'string'))];
  const urls = [...new Set(canonicals.map((c) => c.split('|')[0] ?? c))];
  const found = new Map<string, StoredResource>();
  for (const url of urls) {
    const forms = await repository.search(parseSearchRequest('Questionnaire', [['url', url], ['_count', '100']], { handling: 'strict' }));
    for (const form of forms.matches) {
      found.set(`${url}|${String(form.version)}`, form);
      if (!found.has(url)) found.set(url, form);
    }
  }
  return found;
}

export async function listInbox(repository: Repository, query: InboxQuery): Promise<InboxPage> {
  const count = query.count ?? 25;
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new FhirError('INVALID_REQUEST', `count must be a whole number from 1 to 200; it was ${count}.`, { expression: ['count'] });
  if (!(Object.values(InboxFilter) as string[]).includes(query.filter)) {
    throw new FhirError('INVALID_REQUEST', `filter must be one of ${Object.values(InboxFilter).join(', ')}; it was "${String(query.filter)}".`, { expression: ['filter'] });
  }
  const predicate = predicateOf(query.filter, query.now);
  const pageSize = predicate === undefined ? count : Math.min(200, Math.max(50, count * 2));
  const category = query.filter === 'admin' || query.filter === 'medical' ? query.filter : undefined;
  const searches = sections(await ownerParam(repository, query), pageSize, true, category);
  let position = decode(query.cursor);
  const picked: StoredResource[] = [];
  const related = new Map<string, StoredResource>();
  let next: Position | undefined;
  let pages = 0;

  while (position.s < searches.length) {
    if (pages === MAX_PAGES_PER_CALL) {
      next = position;
      break;
    }
    pages += 1;
    const search = searches[position.s]!;
    const page = await repository.search({ ...search, ...(position.c !== undefined ? { cursor: position.c } : {}) });
    for (const resource of page.included) related.set(`${resource.resourceType}/${resource.id}`, resource);
    const after = (): Position =>
      page.nextCursor !== undefined ? { s: position.s, c: page.nextCursor, k: 0 } : { s: position.s + 1, k: 0 };
    let anyMatched = false;
    for (let i = position.k; i < page.matches.length; i++) {
      const task = page.matches[i]!;
      if (predicate !== undefined && !predicate(task)) continue;
      anyMatched = true;
      picked.push(task);
      if (picked.length === count) {
        next = i + 1 < page.matches.length ? { ...position, k: i + 1 } : after();
        break;
      }
    }
    if (picked.length === count) break;
    // oldest first: a page with nothing overdue means the rest of this priority is not overdue either
    position = query.filter === 'overdue' && !anyMatched ? { s: position.s + 1, k: 0 } : after();
  }

  const patients = [...related.values()].filter((r) => r.resourceType === 'Patient');
  for (const carer of await carersOf(repository, patients)) related.set(`RelatedPerson/${carer.id}`, carer);
  const questionnaires = await questionnairesOf(repository, [...related.values()].filter((r) => r.resourceType === 'QuestionnaireResponse'));
  const rows = picked.map((task) => inboxRow(task, { now: query.now, byReference: related, questionnaires })).sort(inboxOrder);
  return { rows, ...(next !== undefined && next.s < searches.length ? { nextCursor: encode(next) } : {}) };
}

export type InboxCounts = Record<InboxFilter, number>;

/** The overdue tab is counted by reading the oldest open requests; past this many it says "1,000 or more". */
export const OVERDUE_COUNT_LIMIT = 1000;

/**
 * How many requests each tab holds, for the tab labels: all, unassigned, mine, admin and medical
 * counted by the database (the category is the Task's second code); overdue (respond-by against
 * now, not a search parameter) by reading the oldest open requests of each priority, stopping at
 * the first that is not overdue, up to OVERDUE_COUNT_LIMIT.
 */
export async function inboxCounts(repository: Repository, organisationId: string, now: number, practitionerRoleId?: string): Promise<InboxCounts> {
  const owners = (await ownersOf(repository, organisationId)).join(',');
  const total = async (owner: string, category?: 'admin' | 'medical'): Promise<number> => {
    let n = 0;
    for (const search of sections(owner, 0, false, category)) n += (await repository.search({ ...search, total: 'accurate', count: 0 })).total ?? 0;
    return n;
  };
  const [all, unassigned, mine, admin, medical] = await Promise.all([
    total(owners),
    total(`Organization/${organisationId}`),
    practitionerRoleId !== undefined ? total(`PractitionerRole/${practitionerRoleId}`) : Promise.resolve(0),
    total(owners, 'admin'),
    total(owners, 'medical'),
  ]);
  let overdue = 0;
  for (const search of sections(owners, 200, false)) {
    let cursor: string | undefined;
    let more = true;
    while (more && overdue < OVERDUE_COUNT_LIMIT) {
      const page = await repository.search({ ...search, ...(cursor !== undefined ? { cursor } : {}) });
      for (const task of page.matches) {
        if (!isOverdue(task, now)) {
          more = false;
          break;
        }
        overdue += 1;
      }
      cursor = page.nextCursor;
      if (cursor === undefined) more = false;
    }
  }
  return { all, unassigned, mine, admin, medical, overdue: Math.min(overdue, OVERDUE_COUNT_LIMIT) };
}
