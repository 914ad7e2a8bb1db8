/**
 * What the video service reads from the record about one appointment (its clinic, the people, the
 * time, the person's access needs and the state of its consultation), and the access context of
 * Kindred's video service (`kindred-video`) for people who joined by a link: the narrowest
 * `system/...` scopes it needs, every read and write in the audit trail naming the pass.
 *
 * Through the repository it is given (the clinician's own, or the video service's): never the
 * unchecked store.
 */
import { auditedRepository, parseScopes, scopedRepository, type AccessContext, type AuditWriter } from '@kindred/access';
import { accessNeedsSummary, appointmentDetails, encounterModalityOf, findConsultation, modalityOf, modalityUsedOf, nameOf, privacyAnswerOf, readAccessNeeds, type PrivacyAnswer } from '@kindred/care';
import { FhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';

/**
 * The video service may read the appointment and who it is with, write its Encounter, and record
 * the messages it sends (Communication); nothing else.
 */
export const VIDEO_SERVICE_SCOPES =
  'system/Appointment.rus system/Encounter.crus system/Patient.r system/Slot.r system/Schedule.r system/PractitionerRole.r system/Practitioner.r system/Organization.r system/HealthcareService.r system/Location.r system/Communication.crus';

export function videoAccess(tokenId: string): AccessContext {
  return Object.freeze({
    subject: 'kindred-video',
    scopes: parseScopes(VIDEO_SERVICE_SCOPES),
    tokenId,
    expiresAt: new Date(8_640_000_000_000_000),
    issuer: 'urn:kindred:local',
  });
}

/** The record as the video service sees it, audited under `tokenId` ("video-pass:<pass>", "video-service"). */
export function videoRecord(store: Repository, auditWriter: AuditWriter, tokenId: string): Repository {
  const access = videoAccess(tokenId);
  return auditedRepository(scopedRepository(store, access), access, auditWriter);
}

/** The consultation's state as the record has it. */
export const RecordedState = { notArrived: 'not-arrived', waiting: 'waiting', inCall: 'in-call', onHold: 'on-hold', phone: 'phone', finished: 'finished' } as const;
export type RecordedState = (typeof RecordedState)[keyof typeof RecordedState];

export interface AppointmentFacts {
  appointmentId: string;
  scheduleId: string;
  /** "Dr North's video clinic" */
  clinicName: string;
  clinicPhone?: string;
  clinicianName?: string;
  /** the patient: "Patient/…" */
  patientId: string;
  patientName: string;
  start: string;
  minutesDuration: number;
  modality?: string;
  accessNeeds: string[];
  /** the consultation, when the person has checked in */
  encounterId?: string;
  state: RecordedState;
  checkedInAt?: string;
  admittedAt?: string;
  privacyAnswer?: PrivacyAnswer;
}

const ref = (value: unknown): string | undefined => (value as { reference?: string } | undefined)?.reference;

function stateOf(appointment: StoredResource, encounter: StoredResource | undefined): RecordedState {
  if (appointment.status === 'fulfilled' || encounter?.status === 'finished') return RecordedState.finished;
  if (modalityUsedOf(appointment) === 'phone' || (encounter !== undefined && encounterModalityOf(encounter) === 'phone')) return RecordedState.phone;
  if (encounter === undefined) return RecordedState.notArrived;
  if (encounter.status === 'in-progress') return RecordedState.inCall;
  if (encounter.status === 'onleave') return RecordedState.onHold;
  return RecordedState.waiting;
}

async function clinicianOf(repository: Repository, schedule: StoredResource | undefined): Promise<string | undefined> {
  const actor = ref((schedule?.actor as unknown[] | undefined)?.[0]);
  if (actor?.startsWith('PractitionerRole/') !== true) return undefined;
  const role = await repository.read('PractitionerRole', actor.slice('PractitionerRole/'.length)).catch(() => undefined);
  const practitioner = ref(role?.practitioner);
  if (practitioner === undefined) return undefined;
  const person = await repository.read('Practitioner', practitioner.slice('Practitioner/'.length)).catch(() => undefined);
  const names = (person?.name as { prefix?: string[]; given?: string[]; family?: string; text?: string }[] | undefined) ?? [];
  const name = names[0];
  if (name === undefined) return undefined;
  if (name.text !== undefined) return name.text;
  return [...(name.prefix ?? ['Dr']), ...(name.given ?? []).slice(0, 1), name.family ?? ''].join(' ').trim();
}

/** The facts of one appointment, read through `repository`. */
export async function appointmentFacts(repository: Repository, appointmentId: string, known?: { appointment?: StoredResource; encounter?: StoredResource | null }): Promise<AppointmentFacts> {
  const appointment = known?.appointment ?? (await repository.read('Appointment', appointmentId));
  const slotRef = ref((appointment.slot as unknown[] | undefined)?.[0]);
  const slot = slotRef !== undefined ? await repository.read('Slot', slotRef.slice('Slot/'.length)) : undefined;
  const scheduleRef = ref(slot?.schedule);
  if (scheduleRef === undefined) throw new FhirError('UNPROCESSABLE', `Appointment/${appointmentId} is not on a clinic's schedule.`);
  const schedule = await repository.read('Schedule', scheduleRef.slice('Schedule/'.length));
  const patientRef = (appointment.participant as { actor?: { reference?: string } }[] | undefined)?.map((p) => p.actor?.reference).find((r) => r?.startsWith('Patient/') === true);
  if (patientRef === undefined) throw new FhirError('UNPROCESSABLE', `Appointment/${appointmentId} has no patient.`);
  const patient = await repository.read('Patient', patientRef.slice('Patient/'.length));
  const [details, clinicianName] = await Promise.all([appointmentDetails(repository, appointment), clinicianOf(repository, schedule)]);
  const encounter = known?.encounter === null ? undefined : (known?.encounter ?? (await findConsultation(repository, appointment.id)));
  const history = (encounter?.statusHistory as { status: string; period: { start?: string } }[] | undefined) ?? [];
  const privacyAnswer = encounter !== undefined ? privacyAnswerOf(encounter) : undefined;
  const modality = modalityOf(appointment);
  return {
    appointmentId: appointment.id,
    scheduleId: schedule.id,
    clinicName: typeof schedule.comment === 'string' && schedule.comment !== '' ? schedule.comment : clinicianName !== undefined ? `${clinicianName}’s clinic` : details.service,
    ...(details.phone !== 'your practice' ? { clinicPhone: details.phone } : {}),
    ...(clinicianName !== undefined ? { clinicianName } : {}),
    patientId: patient.id,
    patientName: nameOf(patient) ?? 'Patient',
    start: String(appointment.start),
    minutesDuration: typeof appointment.minutesDuration === 'number' ? appointment.minutesDuration : 10,
    ...(modality !== undefined ? { modality } : {}),
    accessNeeds: accessNeedsSummary(readAccessNeeds(patient)),
    ...(encounter !== undefined ? { encounterId: encounter.id } : {}),
    state: stateOf(appointment, encounter),
    ...(history[0]?.period.start !== undefined ? { checkedInAt: history[0].period.start } : {}),
    ...(typeof (encounter?.period as { start?: string } | undefined)?.start === 'string' ? { admittedAt: (encounter?.period as { start: string }).start } : {}),
    ...(privacyAnswer !== undefined ? { privacyAnswer } : {}),
  };
}

/** Today's (the London day's) video appointments that `repository` can see, in time order, with their consultations. */
export async function videoAppointmentsOn(repository: Repository, day: { start: string; end: string }): Promise<{ appointment: StoredResource; encounter: StoredResource | undefined }[]> {
  const request = parseSearchRequest(
    'Appointment',
    [
      ['date', `ge${day.start}`],
      ['date', `lt${day.end}`],
      ['_sort', 'date'],
      ['_count', '500'],
    ],
    { handling: 'strict' },
  );
  const appointments = (await repository.search(request)).matches.filter((a) => modalityOf(a) === 'video' && a.status !== 'cancelled' && a.status !== 'entered-in-error' && a.status !== 'noshow');
  if (appointments.length === 0) return [];
  const encounters = await repository.search(parseSearchRequest('Encounter', [['appointment', appointments.map((a) => `Appointment/${a.id}`).join(',')], ['_count', '1000']], { handling: 'strict' }));
  const byAppointment = new Map<string, StoredResource>();
  for (const encounter of encounters.matches) {
    const appointmentRef = ref((encounter.appointment as unknown[] | undefined)?.[0]);
    if (appointmentRef !== undefined) byAppointment.set(appointmentRef.slice('Appointment/'.length), encounter);
  }
  return appointments.map((appointment) => ({ appointment, encounter: byAppointment.get(appointment.id) }));
}
