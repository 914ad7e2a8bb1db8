/**
 * What the staff's page about one person shows, read through the access-checked record the page
 * is given: the Patient and their access needs, their carers (RelatedPerson,
 * http://hl7.org/fhir/R4/relatedperson.html) with what each one's Consent lets them do, and the
 * latest of their requests (Task, code online-request: decision 0013), appointments and messages
 * (Communication). A part the signed-in person's role may not see is reported as hidden, so the
 * rest of the page still shows. A handful of searches in parallel, each one page: never the
 * whole record.
 *
 * Reads only; no rendering.
 */
import { CARER_ACTION_SYSTEM } from '@kindred/access';
import { ONLINE_REQUEST_CODE, TASK_CODE_SYSTEM, readAccessNeeds, type AccessNeeds } from '@kindred/care';
import { isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository, SearchPage } from '@kindred/store';

/** how many of each kind the page shows, newest first */
export const RECENT_COUNT = 10;

/** One part of the record: what was found (and whether there is more), or hidden from this role. */
export type RecordPart<T> = { hidden: false; items: T[]; more: boolean } | { hidden: true };

export interface CarerOfPerson {
  relatedPerson: StoredResource;
  /** what their current consent lets them do: view-record, book, message, manage-requests */
  actions: string[];
  /** they have a current consent (possibly with no actions) */
  consented: boolean;
  /** the end of their latest consent, when it has ended */
  consentEnded?: string;
}

export interface PersonRecord {
  patient: StoredResource;
  needs: AccessNeeds;
  carers: RecordPart<CarerOfPerson>;
  requests: RecordPart<StoredResource>;
  appointments: RecordPart<StoredResource>;
  messages: RecordPart<StoredResource>;
}

async function part(record: Repository, type: string, pairs: [string, string][], count = RECENT_COUNT): Promise<RecordPart<StoredResource>> {
  const search = parseSearchRequest(type, [...pairs, ['_count', String(count)]], { handling: 'strict' });
  let page: SearchPage;
  try {
    page = await record.search(search);
  } catch (error) {
    if (isFhirError(error) && error.status === 403) return { hidden: true };
    throw error;
  }
  return { hidden: false, items: page.matches, more: page.nextCursor !== undefined };
}

interface ConsentShape {
  status?: string;
  provision?: {
    type?: string;
    period?: { start?: string; end?: string };
    actor?: { reference?: { reference?: string } }[];
    action?: { coding?: { system?: string; code?: string }[] }[];
  };
}

function carerOf(relatedPerson: StoredResource, consents: readonly StoredResource[], now: number): CarerOfPerson {
  const reference = `RelatedPerson/${relatedPerson.id}`;
  const theirs = consents.filter((c) => (c as ConsentShape).provision?.actor?.some((a) => a.reference?.reference === reference) === true).map((c) => c as ConsentShape);
  const current = theirs.filter((c) => {
    const period = c.provision?.period;
    return c.status === 'active' && c.provision?.type !== 'deny' && (period?.start === undefined || Date.parse(period.start) <= now) && (period?.end === undefined || Date.parse(period.end) >= now);
  });
  const actions = [...new Set(current.flatMap((c) => (c.provision?.action ?? []).flatMap((a) => (a.coding ?? []).filter((x) => x.system === CARER_ACTION_SYSTEM).map((x) => x.code ?? ''))))].filter((a) => a !== '');
  const ends = theirs.map((c) => c.provision?.period?.end).filter((e): e is string => e !== undefined && Date.parse(e) < now).sort();
  return { relatedPerson, actions, consented: current.length > 0, ...(current.length === 0 && ends.length > 0 ? { consentEnded: ends.at(-1) } : {}) };
}

/** The person's record for the staff page; FhirError NOT_FOUND (or 403) when they cannot be seen. */
export async function readPersonRecord(record: Repository, patientId: string, now: number = Date.now()): Promise<PersonRecord> {
  const patient = await record.read('Patient', patientId);
  const ref = `Patient/${patientId}`;
  const [relatedPeople, consents, requests, appointments, messages] = await Promise.all([
    part(record, 'RelatedPerson', [['patient', ref]], 20),
    part(record, 'Consent', [['patient', ref]], 50),
    part(record, 'Task', [['patient', ref], ['code', `${TASK_CODE_SYSTEM}|${ONLINE_REQUEST_CODE}`], ['_sort', '-authored-on']]),
    part(record, 'Appointment', [['patient', ref], ['_sort', '-date']]),
    part(record, 'Communication', [['subject', ref], ['_sort', '-_lastUpdated']]),
  ]);
  const consentList = consents.hidden ? [] : consents.items;
  const carers: RecordPart<CarerOfPerson> = relatedPeople.hidden
    ? { hidden: true }
    : { hidden: false, more: relatedPeople.more, items: relatedPeople.items.map((rp) => carerOf(rp, consentList, now)) };
  return { patient, needs: readAccessNeeds(patient), carers, requests, appointments, messages };
}
