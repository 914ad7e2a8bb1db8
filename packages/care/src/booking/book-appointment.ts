/**
 * Booking by modality (issue 4, "Triage and booking"; decision 0013): an Appointment on a claimed
 * Slot (http://hl7.org/fhir/R4/appointment.html), with the person, the schedule's clinician or
 * service, and an interpreter whenever the person's access needs say so, phone appointments
 * included. The person's stated preference and the modality given are both kept. Cancel, rebook
 * and no-show change the Appointment's status as the specification defines them.
 *
 * Works through the access-checked repository it is given and the slot ledger; never reaches a
 * store itself. Inputs are never changed.
 */
import { FhirError, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { languageName, type AccessNeeds } from '../access-needs/index.ts';
import type { Reference } from '../messaging/send-message.ts';
import type { SlotLedger } from './slot-ledger.ts';
import {
  BOOKED_BY_EXTENSION,
  CANCELLED_BY_EXTENSION,
  PARTICIPATION_TYPE_SYSTEM,
  PREFERRED_MODALITY_EXTENSION,
  MODALITY_GIVEN_EXTENSION,
  REBOOKED_AS_EXTENSION,
  assertModality,
  idIn,
  modalityCoding,
  modalityOf,
  type Modality,
} from './booking-vocabulary.ts';

export interface BookingRequest {
  patientId: string;
  slotId: string;
  /** what the person said they would like, kept even when another modality is given */
  preferredModality?: Modality;
  /** why, in the person's or staff's words */
  reason?: string;
  /** the online request (Task) this booking answers */
  requestTaskId?: string;
  /** who booked: the person, their carer or staff */
  bookedBy: Reference;
  /** the person's access needs (readAccessNeeds of their Patient) */
  accessNeeds: AccessNeeds;
  now: number;
}

/** Appointment statuses from which it can still be cancelled or missed (http://hl7.org/fhir/R4/valueset-appointmentstatus.html). */
const ACTIVE = new Set(['proposed', 'pending', 'booked']);

/** Appointment.participant (http://hl7.org/fhir/R4/appointment-definitions.html#Appointment.participant) */
export interface AppointmentParticipant {
  type?: { coding: { system: string; code: string; display?: string }[]; text?: string }[];
  actor?: { reference?: string; display?: string };
  required?: 'required' | 'optional' | 'information-only';
  status: 'accepted' | 'declined' | 'tentative' | 'needs-action';
}

/** An interpreter participant (type INTRP, the language in actor.display) for each language the needs call for. */
export function interpreterParticipants(needs: AccessNeeds): AppointmentParticipant[] {
  const languages: string[] = [];
  if (needs.interpreterRequired && !/^en\b/i.test(needs.language)) languages.push(languageName(needs.language) ?? needs.language);
  if (needs.bsl) languages.push('British Sign Language');
  return languages.map((language) => ({
    type: [{ coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code: 'INTRP', display: 'interpreter' }], text: 'Interpreter' }],
    actor: { display: `${language} interpreter` },
    required: 'required',
    status: 'needs-action',
  }));
}

function durationMinutes(slot: StoredResource): number {
  const minutes = Math.round((Date.parse(String(slot.end)) - Date.parse(String(slot.start))) / 60_000);
  return Number.isFinite(minutes) && minutes > 0 ? minutes : 10;
}

/** Claims the slot and books the Appointment; frees the slot again when the Appointment is refused. */
export async function bookAppointment(repository: Repository, ledger: SlotLedger, request: BookingRequest): Promise<StoredResource> {
  if (request.preferredModality !== undefined) assertModality(request.preferredModality, 'preferredModality');
  const slot = await repository.read('Slot', request.slotId);
  if (Date.parse(String(slot.start)) <= request.now) throw new FhirError('UNPROCESSABLE', 'That time has passed; choose another.', { expression: ['slotId'] });
  const scheduleRef = (slot.schedule as { reference?: string } | undefined)?.reference ?? '';
  const schedule = await repository.read('Schedule', scheduleRef.replace(/^Schedule\//, ''));
  const modality = modalityOf(slot);
  const claimed = await ledger.claim(request.slotId);

  const minutes = durationMinutes(claimed) * (request.accessNeeds.longerAppointment ? 2 : 1);
  const start = String(claimed.start);
  const actors = (Array.isArray(schedule.actor) ? (schedule.actor as { reference?: string; display?: string }[]) : []).filter((a) => a.reference !== undefined);
  const appointment: Resource = {
    resourceType: 'Appointment',
    status: 'booked',
    extension: [
      ...(request.preferredModality !== undefined ? [{ url: PREFERRED_MODALITY_EXTENSION, valueCoding: modalityCoding(request.preferredModality) }] : []),
      ...(modality !== undefined ? [{ url: MODALITY_GIVEN_EXTENSION, valueCoding: modalityCoding(modality) }] : []),
      { url: BOOKED_BY_EXTENSION, valueReference: { ...request.bookedBy } },
    ],
    ...(modality !== undefined ? { serviceType: [{ coding: [modalityCoding(modality)] }] } : {}),
    ...(request.reason !== undefined && request.reason.trim() !== '' ? { description: request.reason.trim() } : {}),
    start,
    // a longer appointment (a reasonable adjustment) runs on past the slot: staff keep the time after it clear
    end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    minutesDuration: minutes,
    slot: [{ reference: `Slot/${request.slotId}` }],
    created: new Date(request.now).toISOString(),
    ...(request.requestTaskId !== undefined ? { supportingInformation: [{ reference: `Task/${request.requestTaskId}` }] } : {}),
    participant: [
      { actor: { reference: `Patient/${request.patientId}` }, required: 'required', status: 'accepted' },
      ...actors.map((actor) => ({ actor: { ...actor }, required: 'required', status: 'accepted' })),
      ...interpreterParticipants(request.accessNeeds),
    ],
  };
  try {
    return (await repository.create(appointment)).resource;
  } catch (error) {
    await ledger.release(request.slotId);
    throw error;
  }
}

function participantsOf(appointment: Resource): AppointmentParticipant[] {
  return Array.isArray(appointment.participant) ? (appointment.participant as AppointmentParticipant[]) : [];
}

function slotIdsOf(appointment: Resource): string[] {
  const slots = Array.isArray(appointment.slot) ? (appointment.slot as { reference?: string }[]) : [];
  return slots.flatMap((s) => (s.reference?.startsWith('Slot/') ? [s.reference.slice(5)] : []));
}

/** Cancels a booked Appointment (status cancelled, cancelationReason) and frees its slot. */
export function cancelAppointment(repository: Repository, ledger: SlotLedger, appointmentId: string, reason: string, by: Reference): Promise<StoredResource> {
  return cancel(repository, ledger, appointmentId, reason, by, []);
}

async function cancel(repository: Repository, ledger: SlotLedger, appointmentId: string, reason: string, by: Reference, extra: readonly object[]): Promise<StoredResource> {
  if (reason.trim() === '') throw new FhirError('INVALID_REQUEST', 'Say why the appointment is cancelled.', { expression: ['reason'] });
  const current = await repository.read('Appointment', appointmentId);
  if (!ACTIVE.has(String(current.status))) {
    throw new FhirError('CONFLICT', `Appointment/${appointmentId} is ${String(current.status)}; only a booked appointment can be cancelled.`);
  }
  const extensions = [...(Array.isArray(current.extension) ? (current.extension as Resource[]) : []), { url: CANCELLED_BY_EXTENSION, valueReference: { ...by } }, ...extra];
  const { resource } = await repository.update(
    { ...current, status: 'cancelled', cancelationReason: { text: reason.trim() }, extension: extensions },
    { ifMatchVersion: current.meta.versionId },
  );
  for (const slotId of slotIdsOf(current)) await ledger.release(slotId);
  return resource;
}

export interface RebookRequest extends Omit<BookingRequest, 'patientId'> {
  /** the appointment to move; the new one is for the same person */
  appointmentId: string;
}

/**
 * Books the new time first (so a taken slot leaves the old booking as it was), then cancels the old
 * one with the reason "rebooked" and a link to the new one.
 */
export async function rebookAppointment(repository: Repository, ledger: SlotLedger, request: RebookRequest): Promise<{ cancelled: StoredResource; booked: StoredResource }> {
  const old = await repository.read('Appointment', request.appointmentId);
  if (!ACTIVE.has(String(old.status))) {
    throw new FhirError('CONFLICT', `Appointment/${request.appointmentId} is ${String(old.status)}; only a booked appointment can be rebooked.`);
  }
  const patientId = idIn(participantsOf(old).find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference, 'Patient');
  if (patientId === undefined) throw new FhirError('UNPROCESSABLE', `Appointment/${request.appointmentId} has no patient to book again.`);
  const { appointmentId, ...booking } = request;
  const booked = await bookAppointment(repository, ledger, { ...booking, patientId });
  try {
    const cancelled = await cancel(repository, ledger, appointmentId, 'rebooked', request.bookedBy, [{ url: REBOOKED_AS_EXTENSION, valueReference: { reference: `Appointment/${booked.id}` } }]);
    return { cancelled, booked };
  } catch (error) {
    await cancelAppointment(repository, ledger, booked.id, 'the old appointment could not be changed', request.bookedBy);
    throw error;
  }
}

/** Records that the person did not come (status noshow); only once the appointment has started. */
export async function recordNoShow(repository: Repository, appointmentId: string, now: number = Date.now()): Promise<StoredResource> {
  const current = await repository.read('Appointment', appointmentId);
  if (current.status !== 'booked' && current.status !== 'arrived') {
    throw new FhirError('CONFLICT', `Appointment/${appointmentId} is ${String(current.status)}; only a booked appointment can be recorded as missed.`);
  }
  if (Date.parse(String(current.start)) > now) {
    throw new FhirError('UNPROCESSABLE', `Appointment/${appointmentId} has not started yet (${String(current.start)}); record a no-show only after its start time.`);
  }
  return (await repository.update({ ...current, status: 'noshow' }, { ifMatchVersion: current.meta.versionId })).resource;
}
