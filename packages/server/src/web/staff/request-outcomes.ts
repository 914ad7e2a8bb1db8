/**
 * What a booking or an offer records on the request it answers: the outcome "book" with the
 * Appointment (the person then sees "Appointment booked"), or a triage note listing the times
 * offered and a message telling the person how to choose. Also where the person can phone.
 *
 * Through the signed-in person's record and the care services only.
 */
import { addTriageNote, recordOutcome, type Reference } from '@kindred/care';
import { isFhirError, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { WebContext, WebDeps } from '../web-context.ts';
import { contactPerson, type ContactResult } from './contact-person.ts';
import type { LoadedRequest } from './request-data.ts';
import { shortDateTimeText } from './staff-format.ts';

/**
 * Records the outcome "book" on the request. The appointment already stands, so a change someone
 * made to the request meanwhile (a note) is not a reason to leave it unrecorded: the outcome is
 * recorded on the newest version, once, while the request is still open.
 */
export async function recordBooked(record: Repository, task: StoredResource, appointment: StoredResource, by: Reference, now: number): Promise<StoredResource | undefined> {
  const attempt = (version: string) => recordOutcome(record, task.id, { kind: 'book', appointmentId: appointment.id, expectedVersion: version, by, now });
  try {
    return await attempt(task.meta.versionId);
  } catch (error) {
    if (!isFhirError(error)) throw error;
    if (error.errorName === 'CONFLICT') return undefined; // another outcome was recorded first; the appointment stays
    if (error.errorName !== 'PRECONDITION_FAILED') throw error;
    const fresh = await record.read('Task', task.id);
    return attempt(fresh.meta.versionId).catch((again: unknown) => {
      if (isFhirError(again) && (again.errorName === 'CONFLICT' || again.errorName === 'PRECONDITION_FAILED')) return undefined;
      throw again;
    });
  }
}

export interface OrganisationContact {
  name: string;
  phone?: string;
}

export async function organisationContact(record: Repository, organisationId: string, fallbackName: string): Promise<OrganisationContact> {
  try {
    const organisation = await record.read('Organization', organisationId);
    const phone = (Array.isArray(organisation.telecom) ? (organisation.telecom as { system?: string; value?: string }[]) : []).find((t) => t.system === 'phone' && typeof t.value === 'string')?.value;
    return { name: typeof organisation.name === 'string' ? organisation.name : fallbackName, ...(phone !== undefined ? { phone } : {}) };
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return { name: fallbackName };
    throw error;
  }
}

/** A short message through the person's channel (template "reply"), about the request. */
export async function replyToPerson(deps: WebDeps, ctx: WebContext, loaded: LoadedRequest, text: string, reference: string): Promise<ContactResult> {
  const organisationId = loaded.organisationId ?? loaded.workplace.current.id;
  const organisation = await organisationContact(ctx.record, organisationId, loaded.workplace.current.name);
  return contactPerson(deps, ctx.record, loaded.patient, loaded.person.needs, {
    recipient: { reference: `Patient/${loaded.person.id}` },
    template: 'reply',
    personalisation: { name: loaded.person.name, service: organisation.name, reply: text },
    about: [{ reference: `Task/${loaded.task.id}` }],
    sender: { reference: `Organization/${organisationId}` },
    reference,
  });
}

/** After an offer: a triage note with the times, and a message telling the person how to choose. */
export async function recordOffered(deps: WebDeps, ctx: WebContext, loaded: LoadedRequest, offer: StoredResource, by: Reference, now: number): Promise<void> {
  const slots = (Array.isArray(offer.input) ? (offer.input as { valueReference?: { reference?: string } }[]) : []).map((i) => i.valueReference?.reference ?? '').filter((r) => r.startsWith('Slot/'));
  const times = await Promise.all(slots.map(async (r) => shortDateTimeText(String((await ctx.record.read('Slot', r.slice(5))).start))));
  await addTriageNote(ctx.record, loaded.task.id, `Offered ${times.length === 1 ? 'a time' : `${times.length} times`}: ${times.join('; ')}.`, by, loaded.task.meta.versionId, now).catch((error: unknown) => {
    // the offer stands; a note lost to someone else's edit at that moment is not worth failing the page for
    if (!(isFhirError(error) && error.errorName === 'PRECONDITION_FAILED')) throw error;
  });
  const organisation = await organisationContact(ctx.record, loaded.organisationId ?? loaded.workplace.current.id, loaded.workplace.current.name);
  const text = `We can offer you ${times.length === 1 ? 'an appointment' : 'a choice of appointment times'}. Sign in to Kindred to choose, or call us${
    organisation.phone !== undefined ? ` on ${organisation.phone}` : ''
  } and tell us which time suits you.`;
  await replyToPerson(deps, ctx, loaded, text, `offer:${offer.id}`);
}
