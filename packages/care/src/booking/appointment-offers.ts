/**
 * Offering a choice of times (decision 0013): a Task with code `appointment-offer` whose inputs are
 * the offered Slots (http://hl7.org/fhir/R4/task.html#inputs). The person takes one up online, or
 * staff record their reply; the Task is then completed with the Appointment as its output.
 *
 * Through the access-checked repository and the slot ledger only. The offer does not hold the
 * slots: whoever books first gets the time, and a taken time is said plainly.
 */
import { FhirError, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { readAccessNeeds } from '../access-needs/index.ts';
import type { Reference } from '../messaging/send-message.ts';
import { bookAppointment, cancelAppointment } from './book-appointment.ts';
import type { SlotLedger } from './slot-ledger.ts';
import { APPOINTMENT_OFFER_CODE, TASK_CODE_SYSTEM, idIn, type Modality } from './booking-vocabulary.ts';

export interface AppointmentOffer {
  patientId: string;
  slotIds: readonly string[];
  /** the online request (Task) the offer answers */
  requestTaskId?: string;
  offeredBy: Reference;
  now?: number;
}

const OFFERED_SLOT = { text: 'offered time' } as const;

export async function offerAppointments(repository: Repository, offer: AppointmentOffer): Promise<StoredResource> {
  const slotIds = [...new Set(offer.slotIds)];
  if (slotIds.length === 0) throw new FhirError('INVALID_REQUEST', 'Choose at least one time to offer.', { expression: ['slotIds'] });
  for (const slotId of slotIds) {
    const slot = await repository.read('Slot', slotId);
    if (slot.status !== 'free') throw new FhirError('CONFLICT', `The time starting ${String(slot.start)} has just been taken; offer another.`, { expression: ['slotIds'] });
  }
  const task: Resource = {
    resourceType: 'Task',
    status: 'requested',
    intent: 'proposal',
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: APPOINTMENT_OFFER_CODE }], text: 'Choose an appointment time' },
    for: { reference: `Patient/${offer.patientId}` },
    owner: { reference: `Patient/${offer.patientId}` },
    requester: { ...offer.offeredBy },
    authoredOn: new Date(offer.now ?? Date.now()).toISOString(),
    businessStatus: { text: 'Choose a time' },
    ...(offer.requestTaskId !== undefined ? { partOf: [{ reference: `Task/${offer.requestTaskId}` }] } : {}),
    input: slotIds.map((id) => ({ type: { ...OFFERED_SLOT }, valueReference: { reference: `Slot/${id}` } })),
  };
  return (await repository.create(task)).resource;
}

export interface TakeUp {
  taskId: string;
  slotId: string;
  patientId: string;
  /** the person online, or staff recording their reply */
  by: Reference;
  preferredModality?: Modality;
  now?: number;
}

/** Books the chosen offered time and completes the offer; returns the Appointment. */
export async function takeUpOffer(repository: Repository, ledger: SlotLedger, takeUp: TakeUp): Promise<StoredResource> {
  const now = takeUp.now ?? Date.now();
  const task = await repository.read('Task', takeUp.taskId);
  const code = (task.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  if (!code.some((c) => c.system === TASK_CODE_SYSTEM && c.code === APPOINTMENT_OFFER_CODE)) {
    throw new FhirError('UNPROCESSABLE', `Task/${takeUp.taskId} is not an offer of appointment times.`);
  }
  if (idIn((task.for as { reference?: string } | undefined)?.reference, 'Patient') !== takeUp.patientId) {
    throw new FhirError('UNPROCESSABLE', `The offer Task/${takeUp.taskId} is for someone else.`);
  }
  if (task.status !== 'requested') throw new FhirError('CONFLICT', 'This offer has already been answered; ask for new times if you need to change it.');
  const offered = (Array.isArray(task.input) ? (task.input as { valueReference?: { reference?: string } }[]) : []).map((i) => idIn(i.valueReference?.reference, 'Slot'));
  if (!offered.includes(takeUp.slotId)) throw new FhirError('UNPROCESSABLE', 'That time was not one of the times offered; choose one of them.', { expression: ['slotId'] });

  const patient = await repository.read('Patient', takeUp.patientId);
  const requestTaskId = idIn((task.partOf as { reference?: string }[] | undefined)?.[0]?.reference, 'Task');
  const appointment = await bookAppointment(repository, ledger, {
    patientId: takeUp.patientId,
    slotId: takeUp.slotId,
    bookedBy: takeUp.by,
    accessNeeds: readAccessNeeds(patient),
    now,
    ...(takeUp.preferredModality !== undefined ? { preferredModality: takeUp.preferredModality } : {}),
    ...(requestTaskId !== undefined ? { requestTaskId } : {}),
  });
  try {
    await repository.update(
      {
        ...task,
        status: 'completed',
        businessStatus: { text: 'Appointment booked' },
        lastModified: new Date(now).toISOString(),
        output: [{ type: { text: 'appointment' }, valueReference: { reference: `Appointment/${appointment.id}` } }],
      },
      { ifMatchVersion: task.meta.versionId },
    );
  } catch (error) {
    // the offer was answered at the same moment by someone else: this booking must not stand
    await cancelAppointment(repository, ledger, appointment.id, 'the offer had already been answered', takeUp.by);
    if (error instanceof FhirError && error.errorName === 'PRECONDITION_FAILED') {
      throw new FhirError('CONFLICT', 'This offer was answered a moment ago; look at the appointment already booked.', { cause: error });
    }
    throw error;
  }
  return appointment;
}
