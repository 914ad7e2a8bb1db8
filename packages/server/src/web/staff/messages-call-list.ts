/**
 * The staff's call list and their part of the message outbox, read and written through the
 * access-checked record the page is given:
 * - `listStaffCalls`: messages that could not go in writing, so staff must phone (a
 *   `Communication` on hold with medium PHONE, as sendMessage records them; decision 0012),
 *   oldest first, with the person each is for (one search with `_include`, paged);
 * - `recordStaffCall`: the call was made (the Communication `completed`, sent now, with the
 *   note), or there was no answer (still on hold, with the note), with If-Match so two people
 *   recording the same call cannot both do it unknowingly
 *   (http://hl7.org/fhir/R4/communication.html, http://hl7.org/fhir/R4/http.html#concurrency);
 * - `visibleOutbox`: the messages waiting in the local outbox whose Communication this person may
 *   see (the outbox itself is not in the record and knows no access rules).
 *
 * No rendering, no SQL.
 */
import { MESSAGE_ID_SYSTEM, PARTICIPATION_MODE_SYSTEM } from '@kindred/care';
import { FhirError, isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { MessageOutbox, OutboxMessage, Repository } from '@kindred/store';

/** each call carries its own form: ten keep the page light (well under 100 KB) */
export const CALLS_PAGE_SIZE = 10;
export const OUTBOX_PAGE_SIZE = 25;
/** the outbox can list only what is waiting, oldest first: the page looks at this many at most */
export const OUTBOX_WINDOW = 500;
export const MAX_CALL_NOTE_LENGTH = 1000;
const IDS_PER_SEARCH = 100;

export interface StaffCall {
  communication: StoredResource;
  /** the person it is for, when the record lets this member of staff see them */
  patient?: StoredResource;
  /** why staff must phone, one reason each, in the words sendMessage recorded */
  reasons: string[];
}

export interface StaffCallPage {
  calls: StaffCall[];
  nextCursor?: string;
  /** the signed-in person's role may not read messages */
  hidden?: boolean;
}

const STAFF_PHONE_PREFIX = /^Staff must phone:\s*/i;

export function reasonsOf(communication: StoredResource): string[] {
  const text = (communication.statusReason as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string') return [];
  return text
    .replace(STAFF_PHONE_PREFIX, '')
    .split(';')
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

/** The calls staff must make, oldest first; FhirError 400 for a paging link that is not this search's. */
export async function listStaffCalls(record: Repository, cursor?: string): Promise<StaffCallPage> {
  const search = parseSearchRequest(
    'Communication',
    [
      ['status', 'on-hold'],
      ['medium', `${PARTICIPATION_MODE_SYSTEM}|PHONE`],
      ['_sort', '_lastUpdated'],
      ['_include', 'Communication:subject'],
      ['_count', String(CALLS_PAGE_SIZE)],
      ...(cursor !== undefined && cursor !== '' ? [['_cursor', cursor] as [string, string]] : []),
    ],
    { handling: 'strict' },
  );
  let page;
  try {
    page = await record.search(search);
  } catch (error) {
    if (isFhirError(error) && error.status === 403) return { calls: [], hidden: true };
    throw error;
  }
  const patients = new Map(page.included.filter((r) => r.resourceType === 'Patient').map((p) => [`Patient/${p.id}`, p]));
  const calls = page.matches.map((communication) => {
    const subject = (communication.subject as { reference?: string } | undefined)?.reference;
    const patient = subject !== undefined ? patients.get(subject) : undefined;
    return { communication, reasons: reasonsOf(communication), ...(patient !== undefined ? { patient } : {}) };
  });
  return { calls, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
}

export const CallOutcome = { reached: 'reached', noAnswer: 'no-answer' } as const;
export type CallOutcome = (typeof CallOutcome)[keyof typeof CallOutcome];

export interface RecordCallInput {
  outcome: CallOutcome;
  note: string;
  /** who phoned: "Practitioner/…" */
  by: string;
  /** the Communication's version the member of staff saw */
  seenVersion?: string;
  now: number;
}

function changedMeanwhile(): FhirError {
  return new FhirError('PRECONDITION_FAILED', 'Someone else recorded this call, or changed the message, while you were writing. Nothing was saved: look at the call list again.');
}

/** Records the call on the Communication; FhirError INVALID_REQUEST for a message that is not waiting for a call, PRECONDITION_FAILED for a concurrent change. */
export async function recordStaffCall(record: Repository, communicationId: string, input: RecordCallInput): Promise<StoredResource> {
  const note = input.note.trim();
  if (note.length > MAX_CALL_NOTE_LENGTH) throw new FhirError('INVALID_REQUEST', `The note must be ${MAX_CALL_NOTE_LENGTH} characters or fewer.`);
  const communication = await record.read('Communication', communicationId);
  const version = communication.meta.versionId;
  if (input.seenVersion !== undefined && input.seenVersion !== version) throw changedMeanwhile();
  if (communication.status !== 'on-hold') throw new FhirError('INVALID_REQUEST', 'This message is not waiting for a call any more: someone has already recorded it.');
  const when = new Date(input.now).toISOString();
  const notes = Array.isArray(communication.note) ? (communication.note as object[]) : [];
  const reached = input.outcome === CallOutcome.reached;
  const text = reached ? `Phoned${note !== '' ? `: ${note}` : ''}` : `Phoned, no answer${note !== '' ? `: ${note}` : ''}`;
  const { statusReason, ...rest } = communication;
  const updated = reached
    ? { ...rest, status: 'completed', sent: when, note: [...notes, { authorReference: { reference: input.by }, time: when, text }] }
    : { ...rest, statusReason, note: [...notes, { authorReference: { reference: input.by }, time: when, text }] };
  try {
    return (await record.update(updated, { ifMatchVersion: version })).resource;
  } catch (error) {
    if (isFhirError(error) && error.errorName === 'PRECONDITION_FAILED') throw changedMeanwhile();
    throw error;
  }
}

export interface OutboxRow {
  message: OutboxMessage;
  communication: StoredResource;
}

export interface OutboxPage {
  rows: OutboxRow[];
  /** the page shown (1-based) and whether there is a next */
  page: number;
  hasNext: boolean;
  /** the outbox held more waiting messages than the page looks at */
  truncated: boolean;
}

/**
 * The waiting messages of the local outbox that belong to a Communication this person may see,
 * oldest first, a page at a time: each outbox message's id is the Communication's message id
 * (MESSAGE_ID_SYSTEM), looked up in batches, never one by one.
 */
export async function visibleOutbox(record: Repository, outbox: MessageOutbox, page: number): Promise<OutboxPage> {
  const waiting = await outbox.pending(OUTBOX_WINDOW + 1);
  const truncated = waiting.length > OUTBOX_WINDOW;
  const window = waiting.slice(0, OUTBOX_WINDOW);
  const byMessageId = new Map<string, StoredResource>();
  for (let i = 0; i < window.length; i += IDS_PER_SEARCH) {
    const ids = window.slice(i, i + IDS_PER_SEARCH).map((m) => `${MESSAGE_ID_SYSTEM}|${m.messageId.replace(/[,|$\\]/g, '')}`);
    const search = parseSearchRequest('Communication', [['identifier', ids.join(',')], ['_count', String(IDS_PER_SEARCH * 2)]], { handling: 'strict' });
    let found: StoredResource[];
    try {
      found = (await record.search(search)).matches;
    } catch (error) {
      // a role that may not read messages sees none of the outbox
      if (isFhirError(error) && error.status === 403) return { rows: [], page: 1, hasNext: false, truncated: false };
      throw error;
    }
    for (const communication of found) {
      const identifiers = Array.isArray(communication.identifier) ? (communication.identifier as { system?: string; value?: string }[]) : [];
      for (const identifier of identifiers) if (identifier.system === MESSAGE_ID_SYSTEM && identifier.value !== undefined) byMessageId.set(identifier.value, communication);
    }
  }
  const visible = window.flatMap((message) => {
    const communication = byMessageId.get(message.messageId);
    return communication === undefined ? [] : [{ message, communication }];
  });
  const pages = Math.max(1, Math.ceil(visible.length / OUTBOX_PAGE_SIZE));
  const shown = Math.min(Math.max(1, Math.floor(page)), pages);
  return { rows: visible.slice((shown - 1) * OUTBOX_PAGE_SIZE, shown * OUTBOX_PAGE_SIZE), page: shown, hasNext: shown < pages, truncated };
}
