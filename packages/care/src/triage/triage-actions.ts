/**
 * What staff do to a request in the inbox: assign it, add a triage note, and record the outcome
 * (book, reply, sign-post, refer, or close with a reason), each on the request's Task (decision
 * 0013: `owner`, `note`, `output`, `businessStatus` for the person). Every change carries the
 * version the member of staff was looking at (If-Match, http://hl7.org/fhir/R4/http.html#concurrency),
 * so two people changing one request at once get a clear PRECONDITION_FAILED, never a silent overwrite.
 *
 * Through the access-checked repository only; the booking itself is booking/'s, the reply message
 * messaging's.
 */
import { FhirError, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { Reference } from '../messaging/send-message.ts';
import { REQUEST_STAGE_SYSTEM, TRIAGE_OUTCOME_SYSTEM, isOnlineRequest, isOpen } from './triage-vocabulary.ts';

export const OutcomeKind = { book: 'book', reply: 'reply', signPost: 'sign-post', refer: 'refer', close: 'close' } as const;
export type OutcomeKind = (typeof OutcomeKind)[keyof typeof OutcomeKind];

export interface TriageOutcome {
  kind: OutcomeKind;
  /** why: required to close */
  reason?: string;
  /** book: the Appointment booked */
  appointmentId?: string;
  /** reply: what was said to the person */
  replyText?: string;
  /** sign-post: where the person was pointed (a service, a pharmacy, a website) */
  signPostTo?: string;
  /** refer: who to ("Organization/…", "HealthcareService/…"), or in words */
  referTo?: string;
  /** the Task version the member of staff saw */
  expectedVersion: string;
  /** who decided */
  by?: Reference;
  now?: number;
}

/** What the person sees of each outcome (Task.businessStatus, the request-stage codes of requests/). */
const SEEN_BY_PERSON: Record<OutcomeKind, { code: string; text: string }> = {
  book: { code: 'booked', text: 'Appointment booked' },
  reply: { code: 'replied', text: 'We have replied' },
  'sign-post': { code: 'closed', text: 'We have suggested another service' },
  refer: { code: 'closed', text: 'Referred to another service' },
  close: { code: 'closed', text: 'Closed' },
};

const stage = (seen: { code: string; text: string }) => ({ coding: [{ system: REQUEST_STAGE_SYSTEM, code: seen.code }], text: seen.text });

const OUTCOME_WORDS: Record<OutcomeKind, string> = { book: 'Book', reply: 'Reply', 'sign-post': 'Sign-post', refer: 'Refer', close: 'Close' };

function changedMeanwhile(taskId: string, seen: string, now: string, cause?: unknown): FhirError {
  return new FhirError(
    'PRECONDITION_FAILED',
    `Someone else changed this request while you had it open (you saw version ${seen}, it is now version ${now}). Look at their change, then try again.`,
    { expression: [`Task/${taskId}`], ...(cause !== undefined ? { cause } : {}) },
  );
}

async function readRequest(repository: Repository, taskId: string, expectedVersion: string): Promise<StoredResource> {
  const task = await repository.read('Task', taskId);
  if (!isOnlineRequest(task)) throw new FhirError('UNPROCESSABLE', `Task/${taskId} is not an online request.`);
  if (task.meta.versionId !== expectedVersion) throw changedMeanwhile(taskId, expectedVersion, task.meta.versionId);
  return task;
}

async function save(repository: Repository, changed: Resource, expectedVersion: string): Promise<StoredResource> {
  try {
    return (await repository.update(changed, { ifMatchVersion: expectedVersion })).resource;
  } catch (error) {
    if (error instanceof FhirError && error.errorName === 'PRECONDITION_FAILED') {
      const now = await repository.read('Task', String(changed.id)).then((t) => t.meta.versionId, () => 'unknown');
      throw changedMeanwhile(String(changed.id), expectedVersion, now, error);
    }
    throw error;
  }
}

/** Gives the request to a member of staff ("PractitionerRole/…"), or back to the organisation ("Organization/…"). */
export async function assignRequest(repository: Repository, taskId: string, ownerReference: string, expectedVersion: string, now: number = Date.now()): Promise<StoredResource> {
  if (!/^(PractitionerRole|Organization)\/[A-Za-z0-9\-.]{1,64}$/.test(ownerReference)) {
    throw new FhirError('INVALID_REQUEST', `Assign the request to a member of staff's role (PractitionerRole/…) or back to the organisation (Organization/…); "${ownerReference}" is neither.`, {
      expression: ['owner'],
    });
  }
  const task = await readRequest(repository, taskId, expectedVersion);
  if (!isOpen(task)) throw new FhirError('CONFLICT', `This request is ${String(task.status)}; it can no longer be assigned.`);
  const [type, id] = ownerReference.split('/') as [string, string];
  await repository.read(type, id); // an owner that does not exist is refused here, not stored
  const assigned = type === 'PractitionerRole';
  return save(
    repository,
    {
      ...task,
      owner: { reference: ownerReference },
      status: assigned && (task.status === 'requested' || task.status === 'received') ? 'accepted' : task.status,
      ...(assigned ? { businessStatus: stage({ code: 'triaged', text: 'Being looked at' }) } : {}),
      lastModified: new Date(now).toISOString(),
    },
    expectedVersion,
  );
}

/** Adds a triage note (Task.note) by `author`. */
export async function addTriageNote(repository: Repository, taskId: string, text: string, author: Reference, expectedVersion: string, now: number = Date.now()): Promise<StoredResource> {
  const note = text.trim();
  if (note === '') throw new FhirError('INVALID_REQUEST', 'Write the note before saving it.', { expression: ['text'] });
  if (note.length > 10_000) throw new FhirError('INVALID_REQUEST', `A note can be at most 10,000 characters; this one has ${note.length}.`, { expression: ['text'] });
  const task = await readRequest(repository, taskId, expectedVersion);
  const notes = Array.isArray(task.note) ? (task.note as object[]) : [];
  const time = new Date(now).toISOString();
  return save(repository, { ...task, note: [...notes, { authorReference: { ...author }, time, text: note }], lastModified: time }, expectedVersion);
}

function required(value: string | undefined, field: keyof TriageOutcome, message: string): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') throw new FhirError('INVALID_REQUEST', message, { expression: [field] });
  return trimmed;
}

function outputOf(outcome: TriageOutcome): Record<string, unknown> {
  const type = { coding: [{ system: TRIAGE_OUTCOME_SYSTEM, code: outcome.kind, display: OUTCOME_WORDS[outcome.kind] }], text: OUTCOME_WORDS[outcome.kind] };
  switch (outcome.kind) {
    case 'book': {
      const id = required(outcome.appointmentId, 'appointmentId', 'Book: say which appointment was booked.');
      return { type, valueReference: { reference: `Appointment/${id}` } };
    }
    case 'reply':
      return { type, valueString: required(outcome.replyText, 'replyText', 'Reply: write the reply to the person.') };
    case 'sign-post':
      return { type, valueString: required(outcome.signPostTo, 'signPostTo', 'Sign-post: say where the person is pointed to.') };
    case 'refer': {
      const to = required(outcome.referTo, 'referTo', 'Refer: say who the person is referred to.');
      return /^(Organization|HealthcareService|PractitionerRole|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/.test(to) ? { type, valueReference: { reference: to } } : { type, valueString: to };
    }
    case 'close':
      return { type, valueString: required(outcome.reason, 'reason', 'Close: say why the request is closed without another outcome.') };
  }
}

/** Records the outcome: the Task is completed, its output says what was decided, and the person sees it in businessStatus. */
export async function recordOutcome(repository: Repository, taskId: string, outcome: TriageOutcome): Promise<StoredResource> {
  if (!(Object.values(OutcomeKind) as string[]).includes(outcome.kind)) {
    throw new FhirError('INVALID_REQUEST', `The outcome must be one of ${Object.values(OutcomeKind).join(', ')}; it was "${String(outcome.kind)}".`, { expression: ['kind'] });
  }
  const output = outputOf(outcome);
  const task = await readRequest(repository, taskId, outcome.expectedVersion);
  if (!isOpen(task)) throw new FhirError('CONFLICT', `This request is already ${String(task.status)}; its outcome has been recorded.`);
  if (outcome.kind === 'book') {
    const appointment = await repository.read('Appointment', outcome.appointmentId!.trim());
    const person = (task.for as { reference?: string } | undefined)?.reference;
    const participants = Array.isArray(appointment.participant) ? (appointment.participant as { actor?: { reference?: string } }[]) : [];
    if (person !== undefined && !participants.some((p) => p.actor?.reference === person)) {
      throw new FhirError('UNPROCESSABLE', `Appointment/${appointment.id} is not for the person this request is about (${person}); choose their appointment.`, { expression: ['appointmentId'] });
    }
  }
  const now = new Date(outcome.now ?? Date.now()).toISOString();
  const reason = outcome.reason?.trim();
  const outputs = Array.isArray(task.output) ? (task.output as object[]) : [];
  const notes = Array.isArray(task.note) ? (task.note as object[]) : [];
  return save(
    repository,
    {
      ...task,
      status: 'completed',
      businessStatus: stage(SEEN_BY_PERSON[outcome.kind]),
      ...(reason !== undefined && reason !== '' ? { statusReason: { text: reason } } : {}),
      output: [...outputs, output],
      ...(outcome.by !== undefined ? { note: [...notes, { authorReference: { ...outcome.by }, time: now, text: `Outcome: ${OUTCOME_WORDS[outcome.kind]}${reason ? ` (${reason})` : ''}` }] } : {}),
      executionPeriod: { ...(task.executionPeriod ?? {}), end: now },
      lastModified: now,
    },
    outcome.expectedVersion,
  );
}
