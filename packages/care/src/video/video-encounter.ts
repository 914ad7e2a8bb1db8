/**
 * The Encounter of a video appointment (decision 0015, "The record";
 * http://hl7.org/fhir/R4/encounter.html): created when the person first checks in (`arrived`),
 * `in-progress` once admitted, `onleave` when put back on hold, `finished` at the end, each change
 * in `statusHistory`; the people admitted as `participant` with the period they were in the call;
 * a fallback to phone in `type` and on the Appointment (`modality-used`); the end fulfils the
 * Appointment (http://hl7.org/fhir/R4/appointment.html#status).
 *
 * Plain functions over the access-checked repository they are given. Every change is a read, a
 * change of a copy and an update with If-Match, repeated when someone else wrote in between, so
 * two changes at once never lose one another. Inputs are never changed.
 */
import { FhirError, isFhirError, parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { modalityCoding, modalityOf } from '../booking/booking-vocabulary.ts';
import type { Reference } from '../messaging/send-message.ts';
import {
  CALL_ROLE_TYPE,
  MODALITY_SYSTEM,
  MODALITY_USED_EXTENSION,
  PARTICIPATION_TYPE_SYSTEM,
  PRIVACY_ANSWER_EXTENSION,
  VIRTUAL_ENCOUNTER_CLASS,
  type CallRole,
  type PrivacyAnswer,
} from './video-vocabulary.ts';

/** Encounter.status values this module moves between (http://hl7.org/fhir/R4/valueset-encounter-status.html) */
export const ConsultationStatus = { arrived: 'arrived', inProgress: 'in-progress', onLeave: 'onleave', finished: 'finished' } as const;
export type ConsultationStatus = (typeof ConsultationStatus)[keyof typeof ConsultationStatus];

interface Period {
  start?: string;
  end?: string;
}
interface StatusEntry {
  status: string;
  period: Period;
}
export interface EncounterParticipant {
  type?: { coding: { system: string; code: string; display?: string }[]; text?: string }[];
  individual?: { reference?: string; display?: string };
  period?: Period;
}

/** Who joins the call: a reference where the person is known, a display otherwise. */
export interface CallParticipant {
  role: CallRole;
  individual?: Reference;
  display: string;
}

const ATTEMPTS = 5;
const iso = (ms: number): string => new Date(ms).toISOString();
const ACTIVE_APPOINTMENT = new Set(['booked', 'arrived', 'checked-in', 'pending']);

/** Reads, changes and writes with If-Match; a write that lost the race is tried again on the new version. */
export async function changeResource(repository: Repository, resourceType: string, id: string, change: (current: StoredResource) => Resource | undefined): Promise<StoredResource> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await repository.read(resourceType, id);
    const next = change(current);
    if (next === undefined) return current;
    try {
      return (await repository.update(next, { ifMatchVersion: current.meta.versionId })).resource;
    } catch (error) {
      if (!isFhirError(error) || error.status !== 412 || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** The Encounter of the appointment, if the person has checked in. */
export async function findConsultation(repository: Repository, appointmentId: string): Promise<StoredResource | undefined> {
  const request = parseSearchRequest('Encounter', [['appointment', `Appointment/${appointmentId}`], ['_sort', '_lastUpdated'], ['_count', '1']], { handling: 'strict' });
  return (await repository.search(request)).matches[0];
}

function patientOf(appointment: Resource): Reference {
  const participants = Array.isArray(appointment.participant) ? (appointment.participant as { actor?: Reference }[]) : [];
  const reference = participants.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference;
  if (reference === undefined) throw new FhirError('UNPROCESSABLE', `Appointment/${String(appointment.id)} has no patient.`);
  return { reference };
}

function withStatus(encounter: Resource, status: ConsultationStatus, now: number): Resource {
  const history = (Array.isArray(encounter.statusHistory) ? (encounter.statusHistory as StatusEntry[]) : []).map((h) =>
    h.period.end === undefined ? { ...h, period: { ...h.period, end: iso(now) } } : h,
  );
  return { ...encounter, status, statusHistory: [...history, { status, period: { start: iso(now) } }] };
}

function newEncounter(appointment: StoredResource, status: ConsultationStatus, now: number, privacyAnswer?: PrivacyAnswer): Resource {
  const modality = modalityOf(appointment) === 'phone' ? 'phone' : 'video';
  return {
    resourceType: 'Encounter',
    status,
    statusHistory: [{ status, period: { start: iso(now) } }],
    class: { ...VIRTUAL_ENCOUNTER_CLASS },
    type: [{ coding: [modalityCoding(modality)], text: modality === 'video' ? 'Video consultation' : 'Phone consultation' }],
    subject: patientOf(appointment),
    appointment: [{ reference: `Appointment/${appointment.id}` }],
    ...(privacyAnswer !== undefined ? { extension: [{ url: PRIVACY_ANSWER_EXTENSION, valueCode: privacyAnswer }] } : {}),
  };
}

/** The Encounter, created (conditionally, so two at once make one) when there is none yet. */
async function ensureConsultation(repository: Repository, appointment: StoredResource, status: ConsultationStatus, now: number, privacyAnswer?: PrivacyAnswer): Promise<{ encounter: StoredResource; created: boolean }> {
  const existing = await findConsultation(repository, appointment.id);
  if (existing !== undefined) return { encounter: existing, created: false };
  const ifNoneExist = parseSearchRequest('Encounter', [['appointment', `Appointment/${appointment.id}`]], { handling: 'strict' });
  const written = await repository.create(newEncounter(appointment, status, now, privacyAnswer), { ifNoneExist });
  return { encounter: written.resource, created: written.created };
}

async function activeAppointment(repository: Repository, appointmentId: string): Promise<StoredResource> {
  const appointment = await repository.read('Appointment', appointmentId);
  if (appointment.status === 'cancelled' || appointment.status === 'noshow' || appointment.status === 'entered-in-error') {
    throw new FhirError('UNPROCESSABLE', 'This appointment has been cancelled. Phone the practice to book another.');
  }
  return appointment;
}

const setAppointmentStatus = (repository: Repository, appointmentId: string, status: string, from: ReadonlySet<string>) =>
  changeResource(repository, 'Appointment', appointmentId, (a) => (from.has(String(a.status)) && a.status !== status ? { ...a, status } : undefined));

/**
 * The person checks in (their first arrival creates the Encounter, `arrived`; the Appointment is
 * `arrived` while they wait). Checking in again, after a dropped connection, records the new answer
 * to the privacy question and leaves the consultation where it was.
 */
export async function checkInToConsultation(repository: Repository, input: { appointmentId: string; privacyAnswer: PrivacyAnswer; now: number }): Promise<StoredResource> {
  const appointment = await activeAppointment(repository, input.appointmentId);
  if (appointment.status === 'fulfilled') throw new FhirError('UNPROCESSABLE', 'This appointment has already finished.');
  const { encounter, created } = await ensureConsultation(repository, appointment, ConsultationStatus.arrived, input.now, input.privacyAnswer);
  await setAppointmentStatus(repository, appointment.id, 'arrived', new Set(['booked', 'pending']));
  if (created) return encounter;
  return changeResource(repository, 'Encounter', encounter.id, (e) => {
    const others = (Array.isArray(e.extension) ? (e.extension as { url?: string }[]) : []).filter((x) => x.url !== PRIVACY_ANSWER_EXTENSION);
    return { ...e, extension: [...others, { url: PRIVACY_ANSWER_EXTENSION, valueCode: input.privacyAnswer }] };
  });
}

function participantEntry(participant: CallParticipant, now: number): EncounterParticipant {
  const type = CALL_ROLE_TYPE[participant.role];
  return {
    type: [{ coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code: type.code, display: type.display }], text: participant.role }],
    individual: participant.individual !== undefined ? { ...participant.individual } : { display: participant.display },
    period: { start: iso(now) },
  };
}

const sameIndividual = (entry: EncounterParticipant, participant: CallParticipant): boolean =>
  participant.individual !== undefined ? entry.individual?.reference === participant.individual.reference : entry.individual?.reference === undefined && entry.individual?.display === participant.display;

const participantsOf = (encounter: Resource): EncounterParticipant[] => (Array.isArray(encounter.participant) ? (encounter.participant as EncounterParticipant[]) : []);

/** A participant's entry with an open period, added unless they already have one (a reconnection). */
function joined(encounter: Resource, participant: CallParticipant, now: number): Resource | undefined {
  const participants = participantsOf(encounter);
  if (participants.some((p) => sameIndividual(p, participant) && p.period?.end === undefined)) return undefined;
  return { ...encounter, participant: [...participants, participantEntry(participant, now)] };
}

/** The clinician admits the person: `in-progress`, the consultation's period starts, the clinician is a participant. */
export async function admitToConsultation(repository: Repository, input: { appointmentId: string; clinician: CallParticipant; now: number }): Promise<StoredResource> {
  const appointment = await activeAppointment(repository, input.appointmentId);
  const { encounter } = await ensureConsultation(repository, appointment, ConsultationStatus.arrived, input.now);
  if (encounter.status === ConsultationStatus.finished) throw new FhirError('UNPROCESSABLE', 'This consultation has already finished.');
  await setAppointmentStatus(repository, appointment.id, 'arrived', new Set(['booked', 'pending']));
  return changeResource(repository, 'Encounter', encounter.id, (e) => {
    const moved = e.status === ConsultationStatus.inProgress ? e : withStatus(e, ConsultationStatus.inProgress, input.now);
    const period = (e.period as Period | undefined) ?? {};
    const started = { ...moved, period: { ...period, start: period.start ?? iso(input.now) } };
    const withClinician = joined(started, input.clinician, input.now) ?? started;
    return e.status === ConsultationStatus.inProgress && withClinician === started && period.start !== undefined ? undefined : withClinician;
  });
}

/** The clinician puts the person back in the waiting room: `onleave`. */
export async function holdConsultation(repository: Repository, input: { appointmentId: string; now: number }): Promise<StoredResource> {
  const encounter = await findConsultation(repository, input.appointmentId);
  if (encounter === undefined) throw new FhirError('UNPROCESSABLE', 'This person has not checked in yet.');
  return changeResource(repository, 'Encounter', encounter.id, (e) => (e.status === ConsultationStatus.inProgress ? withStatus(e, ConsultationStatus.onLeave, input.now) : undefined));
}

/** Someone joined the call (a carer, an interpreter, a colleague, the clinician again): a participant with an open period. */
export async function participantJoined(repository: Repository, input: { appointmentId: string; participant: CallParticipant; now: number }): Promise<StoredResource> {
  const encounter = await findConsultation(repository, input.appointmentId);
  if (encounter === undefined) throw new FhirError('UNPROCESSABLE', 'This person has not checked in yet.');
  return changeResource(repository, 'Encounter', encounter.id, (e) => (e.status === ConsultationStatus.finished ? undefined : joined(e, input.participant, input.now)));
}

/** Someone left the call: their open period ends. */
export async function participantLeft(repository: Repository, input: { appointmentId: string; participant: CallParticipant; now: number }): Promise<StoredResource | undefined> {
  const encounter = await findConsultation(repository, input.appointmentId);
  if (encounter === undefined) return undefined;
  return changeResource(repository, 'Encounter', encounter.id, (e) => {
    const participants = participantsOf(e);
    if (!participants.some((p) => sameIndividual(p, input.participant) && p.period?.end === undefined)) return undefined;
    return { ...e, participant: participants.map((p) => (sameIndividual(p, input.participant) && p.period?.end === undefined ? { ...p, period: { ...p.period, end: iso(input.now) } } : p)) };
  });
}

/**
 * Video failed: the clinician phones the number on record. The Encounter's type becomes phone and
 * the Appointment records the modality used (the modality given stays as booked). Works before the
 * person ever checked in (the Encounter is made then).
 */
export async function moveConsultationToPhone(repository: Repository, input: { appointmentId: string; clinician?: CallParticipant; now: number }): Promise<StoredResource> {
  const appointment = await activeAppointment(repository, input.appointmentId);
  const { encounter } = await ensureConsultation(repository, appointment, ConsultationStatus.inProgress, input.now);
  await changeResource(repository, 'Appointment', appointment.id, (a) => {
    const others = (Array.isArray(a.extension) ? (a.extension as { url?: string }[]) : []).filter((x) => x.url !== MODALITY_USED_EXTENSION);
    const status = ACTIVE_APPOINTMENT.has(String(a.status)) ? 'arrived' : a.status;
    return { ...a, status, extension: [...others, { url: MODALITY_USED_EXTENSION, valueCoding: modalityCoding('phone') }] };
  });
  return changeResource(repository, 'Encounter', encounter.id, (e) => {
    const types = (Array.isArray(e.type) ? (e.type as { coding?: { system?: string }[] }[]) : []).filter((t) => !(t.coding ?? []).some((c) => c.system === MODALITY_SYSTEM));
    const moved = e.status === ConsultationStatus.inProgress || e.status === ConsultationStatus.finished ? e : withStatus(e, ConsultationStatus.inProgress, input.now);
    const period = (e.period as Period | undefined) ?? {};
    const withType = { ...moved, type: [...types, { coding: [modalityCoding('phone')], text: 'Phone consultation' }], period: { ...period, start: period.start ?? iso(input.now) } };
    return input.clinician !== undefined ? (joined(withType, input.clinician, input.now) ?? withType) : withType;
  });
}

/** The end: the Encounter is finished (its period and every open participant period end) and the Appointment fulfilled. */
export async function finishConsultation(repository: Repository, input: { appointmentId: string; now: number }): Promise<StoredResource> {
  const appointment = await activeAppointment(repository, input.appointmentId);
  const { encounter } = await ensureConsultation(repository, appointment, ConsultationStatus.arrived, input.now);
  const finished = await changeResource(repository, 'Encounter', encounter.id, (e) => {
    if (e.status === ConsultationStatus.finished) return undefined;
    const period = (e.period as Period | undefined) ?? {};
    const participants = participantsOf(e).map((p) => (p.period !== undefined && p.period.end === undefined ? { ...p, period: { ...p.period, end: iso(input.now) } } : p));
    return { ...withStatus(e, ConsultationStatus.finished, input.now), period: { start: period.start ?? iso(input.now), end: iso(input.now) }, ...(participants.length > 0 ? { participant: participants } : {}) };
  });
  // the last history entry of a finished Encounter is closed at once: nothing follows it
  await setAppointmentStatus(repository, appointment.id, 'fulfilled', ACTIVE_APPOINTMENT);
  return finished;
}

