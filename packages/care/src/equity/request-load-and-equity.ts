/**
 * Reads a practice's online requests for a period and sums them into the load and equity view
 * (equity-summary.ts). The requests are `Task`s with code online-request (decision 0013) owned by
 * the organisation or by one of its PractitionerRoles, authored in the period; they are read in
 * pages of up to 1,000 with their patients (`_include=Task:patient`,
 * http://hl7.org/fhir/R4/search.html#include), so 10,000 requests take a few dozen reads, never one
 * per request. Deprivation comes from the IMD reference table (`store.reference`), looked up once
 * for every LSOA seen.
 *
 * Reads only, through the access-checked repository it is given: it sees what its caller may see.
 */
import { FhirError, parseSearchRequest, type Resource, type SearchRequest } from '@kindred/fhir';
import type { ReferenceTables, Repository } from '@kindred/store';
import { summariseLoadAndEquity, type LoadAndEquity } from './equity-summary.ts';
import { ONLINE_REQUEST_CODE, TASK_CODE_SYSTEM } from '../triage/triage-vocabulary.ts';
import { requestFactOf, type RequestFact } from './request-facts.ts';

export interface LoadAndEquityQuery {
  /** the practice or clinic: its Organization id */
  organisationId: string;
  /** the first day (or instant) of the period, FHIR date or dateTime, inclusive */
  from: string;
  /** the last day (or instant) of the period, inclusive */
  to: string;
  now: Date;
}

/** What the view needs of the reference tables. */
export type ImdLookup = Pick<ReferenceTables, 'imdDeciles'>;

const PAGE_SIZE = 1000;
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** http://hl7.org/fhir/R4/datatypes.html#date and #dateTime */
const FHIR_DATE_OR_DATETIME = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

function checkQuery(query: LoadAndEquityQuery): void {
  if (!FHIR_ID.test(query.organisationId)) {
    throw new FhirError('INVALID_REQUEST', `"${query.organisationId}" is not an Organization id: give the id of the practice or clinic (letters, digits, "-" and ".", up to 64).`);
  }
  for (const [name, value] of [['from', query.from], ['to', query.to]] as const) {
    if (!FHIR_DATE_OR_DATETIME.test(value) || Number.isNaN(Date.parse(value.length === 4 ? `${value}-01-01` : value))) {
      throw new FhirError('INVALID_REQUEST', `The period's "${name}" date "${value}" is not a date: give it as YYYY-MM-DD (for example 2026-03-01).`);
    }
  }
  if (query.from.slice(0, 10) > query.to.slice(0, 10) || (query.from.length > 10 && query.to.length > 10 && Date.parse(query.from) > Date.parse(query.to))) {
    throw new FhirError('INVALID_REQUEST', `The period starts (${query.from}) after it ends (${query.to}): give a "from" date on or before the "to" date.`);
  }
  if (query.from.slice(0, 10) > query.now.toISOString().slice(0, 10)) {
    throw new FhirError('INVALID_REQUEST', `The period starts (${query.from}) after today (${query.now.toISOString().slice(0, 10)}), so it can hold no requests yet: give a "from" date in the past.`);
  }
}

function requestSearches(query: LoadAndEquityQuery): SearchRequest[] {
  const common: [string, string][] = [
    ['code', `${TASK_CODE_SYSTEM}|${ONLINE_REQUEST_CODE}`],
    ['authored-on', `ge${query.from}`],
    ['authored-on', `le${query.to}`],
    ['_include', 'Task:patient'],
    ['_count', String(PAGE_SIZE)],
  ];
  // owned by the organisation while unassigned, by one of its roles once assigned (decision 0013)
  return [
    parseSearchRequest('Task', [['owner', `Organization/${query.organisationId}`], ...common], { handling: 'strict' }),
    parseSearchRequest('Task', [['owner:PractitionerRole.organization', `Organization/${query.organisationId}`], ...common], { handling: 'strict' }),
  ];
}

function patientIdOf(task: Resource): string | undefined {
  const reference = (task.for as { reference?: unknown } | undefined)?.reference;
  return typeof reference === 'string' && reference.startsWith('Patient/') ? reference.slice('Patient/'.length) : undefined;
}

/** The facts of every request of the organisation in the period, read page by page with their patients. */
export async function readRequestFacts(repository: Repository, query: LoadAndEquityQuery): Promise<RequestFact[]> {
  checkQuery(query);
  const facts = new Map<string, RequestFact>();
  for (const search of requestSearches(query)) {
    let cursor: string | undefined;
    do {
      const page = await repository.search(cursor === undefined ? search : { ...search, cursor });
      const patients = new Map(page.included.filter((r) => r.resourceType === 'Patient').map((p) => [p.id, p]));
      for (const task of page.matches) {
        if (task.status === 'entered-in-error' || facts.has(task.id)) continue;
        const patientId = patientIdOf(task);
        facts.set(task.id, requestFactOf(task, patientId === undefined ? undefined : patients.get(patientId)));
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
  return [...facts.values()];
}

/**
 * The load and equity view of the organisation's online requests in the period: totals by route
 * and outcome, and the same by age band, IMD quintile and access need (see equity-summary.ts).
 * FhirError INVALID_REQUEST for an unreadable organisation id or period.
 */
export async function requestLoadAndEquity(repository: Repository, reference: ImdLookup, query: LoadAndEquityQuery): Promise<LoadAndEquity> {
  const facts = await readRequestFacts(repository, query);
  const lsoaCodes = [...new Set(facts.map((f) => f.lsoaCode).filter((c): c is string => c !== undefined))];
  const deciles = await reference.imdDeciles(lsoaCodes);
  return summariseLoadAndEquity(facts, deciles, { from: query.from, to: query.to });
}
