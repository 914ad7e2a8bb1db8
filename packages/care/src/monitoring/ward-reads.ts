/**
 * The ward dashboard's reads, for the whole ward at once rather than person by person: the
 * Observations of many patients in a few searches (`patient=Patient/a,Patient/b,...`, an OR list,
 * http://hl7.org/fhir/R4/search.html#combining), in chunks, each followed page by page to the end.
 *
 * Reads only, through the repository it is given (the caller's access-checked one), so the access
 * policy still decides row by row what the caller sees. Must not read anything the dashboard does
 * not show.
 */
import { parseSearchRequest, type SearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { TASK_CODE_SYSTEM } from '../requests/request-vocabulary.ts';
import { VIRTUAL_WARD_ALERT } from './monitoring-vocabulary.ts';

/** patients per search: a long OR list is one indexed condition, but 100 a search made the dashboard twice as slow on PostgreSQL as 50 (bench 2026-11-21T1642) */
const PATIENTS_PER_SEARCH = 50;
/** the largest page the store answers (MAX_PAGE_SIZE) */
const PAGE = '1000';
const OPEN_TASK_STATUSES = 'requested,received,accepted,ready,in-progress,on-hold';

/** Every match of a search, following the paging cursor to the last page. */
export async function searchAll(repository: Repository, type: string, params: readonly [string, string][]): Promise<StoredResource[]> {
  const first: SearchRequest = parseSearchRequest(type, [...params], { handling: 'strict' });
  const out: StoredResource[] = [];
  let request: SearchRequest | undefined = first;
  while (request !== undefined) {
    const page = await repository.search(request);
    out.push(...page.matches);
    request = page.nextCursor !== undefined ? { ...first, cursor: page.nextCursor } : undefined;
  }
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Matches of one search per chunk of patients, grouped by patient id (each patient's in the search's order). */
async function byPatient(repository: Repository, patientIds: readonly string[], type: string, params: readonly [string, string][], patientOf: (r: StoredResource) => string | undefined): Promise<Map<string, StoredResource[]>> {
  const found = await Promise.all(chunks([...new Set(patientIds)], PATIENTS_PER_SEARCH).map((ids) => searchAll(repository, type, [['patient', ids.map((id) => `Patient/${id}`).join(',')], ...params])));
  const out = new Map<string, StoredResource[]>();
  for (const resource of found.flat()) {
    const id = patientOf(resource);
    if (id === undefined) continue;
    const list = out.get(id);
    if (list === undefined) out.set(id, [resource]);
    else list.push(resource);
  }
  return out;
}

const patientIdOf = (reference: unknown): string | undefined => {
  const ref = (reference as { reference?: string } | undefined)?.reference;
  return ref?.startsWith('Patient/') === true ? ref.slice('Patient/'.length) : undefined;
};

/** The Observations of these patients taken from `since` to `until`, newest first per patient. */
export function observationsOf(repository: Repository, patientIds: readonly string[], since: number, until: number): Promise<Map<string, StoredResource[]>> {
  const params: [string, string][] = [
    ['date', `ge${new Date(since).toISOString()}`],
    ['date', `le${new Date(until).toISOString()}`],
    ['_sort', '-date'],
    ['_count', PAGE],
  ];
  return byPatient(repository, patientIds, 'Observation', params, (o) => patientIdOf(o.subject));
}

/** The open virtual ward alert Tasks of these patients. */
export function openAlertsOf(repository: Repository, patientIds: readonly string[]): Promise<Map<string, StoredResource[]>> {
  const params: [string, string][] = [
    ['code', `${TASK_CODE_SYSTEM}|${VIRTUAL_WARD_ALERT}`],
    ['status', OPEN_TASK_STATUSES],
    ['_count', PAGE],
  ];
  return byPatient(repository, patientIds, 'Task', params, (t) => patientIdOf(t.for));
}
