/**
 * The clinician's notes of a consultation (decision 0015): one `DocumentReference`
 * (http://hl7.org/fhir/R4/documentreference.html) of type LOINC 11488-4 (consult note) whose
 * `context.encounter` is the consultation's Encounter, the text as a plain-text attachment. Saved
 * with If-Match: a note changed by someone else since the clinician loaded it is a CONFLICT (409),
 * never a silent overwrite.
 *
 * Through the access-checked repository it is given; inputs are never changed.
 */
import { FhirError, isFhirError, parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { Reference } from '../messaging/send-message.ts';
import { findConsultation } from './video-encounter.ts';
import { CONSULT_NOTE_TYPE } from './video-vocabulary.ts';

/** A note longer than this is refused (a consultation note, not a document store). */
export const MAX_NOTE_LENGTH = 20_000;

export interface ConsultationNote {
  documentId: string;
  versionId: string;
  text: string;
}

function textOf(document: Resource): string {
  const data = (document.content as { attachment?: { data?: string } }[] | undefined)?.[0]?.attachment?.data;
  return data === undefined ? '' : Buffer.from(data, 'base64').toString('utf8');
}

export async function readConsultationNote(repository: Repository, encounterId: string): Promise<ConsultationNote | undefined> {
  const request = parseSearchRequest('DocumentReference', [['encounter', `Encounter/${encounterId}`], ['type', `${CONSULT_NOTE_TYPE.system}|${CONSULT_NOTE_TYPE.code}`], ['_count', '1']], { handling: 'strict' });
  const document = (await repository.search(request)).matches[0];
  return document === undefined ? undefined : { documentId: document.id, versionId: document.meta.versionId, text: textOf(document) };
}

export interface SaveNoteInput {
  appointmentId: string;
  text: string;
  author: Reference;
  /** the note's version the clinician loaded; absent when they started a new note */
  ifMatchVersion?: string;
  now: number;
}

const stale = (): FhirError => new FhirError('CONFLICT', 'Someone else changed these notes after you opened them. Reload the page to see their change, then add yours.');

export async function saveConsultationNote(repository: Repository, input: SaveNoteInput): Promise<ConsultationNote> {
  if (input.text.length > MAX_NOTE_LENGTH) throw new FhirError('INVALID_REQUEST', `Notes can be at most ${MAX_NOTE_LENGTH} characters.`, { expression: ['text'] });
  const encounter = await findConsultation(repository, input.appointmentId);
  if (encounter === undefined) throw new FhirError('UNPROCESSABLE', 'There is no consultation to write notes for yet: the person has not checked in.');
  const existing = await readConsultationNote(repository, encounter.id);
  const document: Resource = {
    resourceType: 'DocumentReference',
    ...(existing !== undefined ? { id: existing.documentId } : {}),
    status: 'current',
    docStatus: 'preliminary',
    type: { coding: [{ ...CONSULT_NOTE_TYPE }], text: 'Consultation notes' },
    subject: { ...(encounter.subject as Reference) },
    date: new Date(input.now).toISOString(),
    author: [{ ...input.author }],
    content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(input.text, 'utf8').toString('base64') } }],
    context: { encounter: [{ reference: `Encounter/${encounter.id}` }] },
  };
  let written: StoredResource;
  if (existing === undefined) {
    if (input.ifMatchVersion !== undefined) throw stale();
    const ifNoneExist = parseSearchRequest('DocumentReference', [['encounter', `Encounter/${encounter.id}`], ['type', `${CONSULT_NOTE_TYPE.system}|${CONSULT_NOTE_TYPE.code}`]], { handling: 'strict' });
    const result = await repository.create(document, { ifNoneExist });
    // someone else wrote the first note at the same moment
    if (!result.created) throw stale();
    written = result.resource;
  } else {
    if (input.ifMatchVersion === undefined || input.ifMatchVersion !== existing.versionId) throw stale();
    try {
      written = (await repository.update(document, { ifMatchVersion: input.ifMatchVersion })).resource;
    } catch (error) {
      if (isFhirError(error) && error.status === 412) throw stale();
      throw error;
    }
  }
  return { documentId: written.id, versionId: written.meta.versionId, text: input.text };
}
