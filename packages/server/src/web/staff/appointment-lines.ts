/**
 * An Appointment as the staff pages show it: when, who (name, NHS number, access needs), how they
 * are seen and what they asked for (decision 0013's modality-given and preferred-modality), the
 * interpreter (participant type INTRP) and who it is with. The people of many appointments are read
 * in one search.
 *
 * Reads only, through the signed-in person's record.
 */
import { accessNeedsSummary, modalityOf, nameOf, readAccessNeeds } from '@kindred/care';
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { AppointmentLine } from './appointments-page.ts';
import { preferenceOnAppointment } from './free-times.ts';
import { idOf, nhsNumberOf } from './staff-format.ts';

interface Participant {
  type?: { coding?: { code?: string }[] }[];
  actor?: { reference?: string; display?: string };
}

const participantsOf = (appointment: Resource): Participant[] => (Array.isArray(appointment.participant) ? (appointment.participant as Participant[]) : []);

export function patientIdOf(appointment: Resource): string | undefined {
  return participantsOf(appointment)
    .map((p) => idOf(p.actor?.reference, 'Patient'))
    .find((id) => id !== undefined);
}

/** The Patients of the appointments, by id, in one search. */
export async function patientsOf(record: Repository, appointments: readonly Resource[]): Promise<Map<string, StoredResource>> {
  const ids = [...new Set(appointments.map(patientIdOf).filter((id): id is string => id !== undefined))];
  if (ids.length === 0) return new Map();
  const page = await record.search(parseSearchRequest('Patient', [['_id', ids.join(',')], ['_count', String(ids.length)]], { handling: 'strict' }));
  return new Map(page.matches.map((p) => [p.id, p]));
}

/** `names`: who staff are, by "PractitionerRole/…" (the schedule's clinician). */
export function appointmentLine(appointment: StoredResource, patients: ReadonlyMap<string, StoredResource>, names: ReadonlyMap<string, string>): AppointmentLine {
  const patientId = patientIdOf(appointment);
  const patient = patientId !== undefined ? patients.get(patientId) : undefined;
  const participants = participantsOf(appointment);
  const isInterpreter = (p: Participant) => p.type?.some((t) => t.coding?.some((c) => c.code === 'INTRP')) === true;
  const interpreters = participants.filter(isInterpreter).map((p) => p.actor?.display ?? 'An interpreter');
  const withWhom = participants
    .filter((p) => !isInterpreter(p) && p.actor?.reference !== undefined && !p.actor.reference.startsWith('Patient/'))
    .map((p) => p.actor?.display ?? names.get(p.actor?.reference ?? '') ?? 'A member of staff');
  const given = modalityOf(appointment);
  const preferred = preferenceOnAppointment(appointment);
  const nhsNumber = patient !== undefined ? nhsNumberOf(patient) : undefined;
  return {
    id: appointment.id,
    start: String(appointment.start),
    ...(typeof appointment.end === 'string' ? { end: appointment.end } : {}),
    status: String(appointment.status),
    ...(patientId !== undefined ? { patientId } : {}),
    personName: patient !== undefined ? (nameOf(patient) ?? 'Name not recorded') : 'Someone you cannot see',
    ...(nhsNumber !== undefined ? { nhsNumber } : {}),
    needsLines: patient !== undefined ? accessNeedsSummary(readAccessNeeds(patient)) : [],
    ...(given !== undefined ? { given } : {}),
    ...(preferred !== undefined ? { preferred } : {}),
    interpreters,
    with: withWhom,
  };
}
