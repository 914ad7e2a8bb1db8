/**
 * The confirmation and reminder of an appointment as an OutboundMessage for messaging's
 * sendMessage (decision 0012): the templates' personalisation (name, appointment_type, service,
 * date, time, phone) with the date and time as people in England read them (Europe/London).
 *
 * `appointmentMessage` is pure; `appointmentDetails` reads, through the repository it is given, who
 * the appointment is with (the service's name and phone number) and the person's name.
 */
import { FhirError, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { nameOf } from '../access-needs/index.ts';
import type { OutboundMessage, Reference } from '../messaging/send-message.ts';
import { MODALITY_WORDS, modalityOf } from './booking-vocabulary.ts';

export const AppointmentTemplate = { confirmation: 'appointment-confirmation', reminder: 'appointment-reminder' } as const;
export type AppointmentTemplate = (typeof AppointmentTemplate)[keyof typeof AppointmentTemplate];

export interface AppointmentDetails {
  /** how to address the person: "Alice Able" */
  name: string;
  /** who the appointment is with: "North Street Surgery" */
  service: string;
  /** the number to call to change it */
  phone: string;
  /** the organisation the message is from */
  sender?: Reference;
  /** the message's reference (e.g. "reminder:<appointment id>") */
  reference?: string;
  /** a video appointment's join link (absolute): the message is then the video template, carrying ((video_link)) (decision 0015) */
  videoLink?: string;
}

/** The template of a video appointment's message, which carries the join link. */
export const VIDEO_APPOINTMENT_TEMPLATE: Readonly<Record<AppointmentTemplate, string>> = {
  'appointment-confirmation': 'video-appointment-confirmation',
  'appointment-reminder': 'video-appointment-reminder',
};

const LONDON = 'Europe/London';

/** "Tuesday 3 March 2026" */
export function londonDate(instant: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).formatToParts(Date.parse(instant));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** "10:30am", "2pm": the NHS style for times */
export function londonTime(instant: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }).formatToParts(Date.parse(instant));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  return `${twelve}${minute === '00' ? '' : `:${minute}`}${hour < 12 ? 'am' : 'pm'}`;
}

function patientOf(appointment: Resource): Reference {
  const participants = Array.isArray(appointment.participant) ? (appointment.participant as { actor?: { reference?: string } }[]) : [];
  const patient = participants.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference;
  if (patient === undefined) throw new FhirError('UNPROCESSABLE', `Appointment/${String(appointment.id)} has no patient participant to send a message to.`);
  return { reference: patient };
}

export function appointmentMessage(appointment: StoredResource, template: AppointmentTemplate, details: AppointmentDetails): OutboundMessage {
  if (typeof appointment.start !== 'string') throw new FhirError('UNPROCESSABLE', `Appointment/${appointment.id} has no start time to tell the person.`);
  const modality = modalityOf(appointment);
  const video = modality === 'video' && details.videoLink !== undefined;
  return {
    recipient: patientOf(appointment),
    template: video ? VIDEO_APPOINTMENT_TEMPLATE[template] : template,
    personalisation: {
      name: details.name,
      appointment_type: modality !== undefined ? MODALITY_WORDS[modality] : 'an',
      service: details.service,
      date: londonDate(appointment.start),
      time: londonTime(appointment.start),
      phone: details.phone,
      ...(video ? { video_link: details.videoLink } : {}),
    },
    about: [{ reference: `Appointment/${appointment.id}` }],
    ...(details.sender !== undefined ? { sender: { ...details.sender } } : {}),
    ...(details.reference !== undefined ? { reference: details.reference } : {}),
  };
}

interface Telecom {
  system?: string;
  value?: string;
}

const phoneOf = (resource: Resource | undefined): string | undefined =>
  (Array.isArray(resource?.telecom) ? (resource.telecom as Telecom[]) : []).find((t) => t.system === 'phone' && typeof t.value === 'string')?.value;

/**
 * The details a message about the appointment needs: the person's name, and the service it is with
 * (the participant's organisation: its name and phone number).
 */
export async function appointmentDetails(repository: Repository, appointment: StoredResource): Promise<AppointmentDetails> {
  const participants = Array.isArray(appointment.participant) ? (appointment.participant as { actor?: { reference?: string; display?: string } }[]) : [];
  const patientRef = patientOf(appointment).reference;
  const patient = await repository.read('Patient', patientRef.slice('Patient/'.length));
  let organisation: StoredResource | undefined;
  let service: string | undefined;
  let phone: string | undefined;
  for (const actor of participants.map((p) => p.actor?.reference ?? '')) {
    const [type, id] = actor.split('/');
    if (id === undefined || (type !== 'PractitionerRole' && type !== 'HealthcareService' && type !== 'Organization' && type !== 'Location')) continue;
    const resource = await repository.read(type, id);
    const orgRef = type === 'Organization' ? actor : ((resource.organization ?? resource.providedBy ?? resource.managingOrganization) as { reference?: string } | undefined)?.reference;
    if (type === 'HealthcareService' && typeof resource.name === 'string') service = resource.name;
    phone ??= phoneOf(resource);
    if (orgRef?.startsWith('Organization/')) {
      organisation = await repository.read('Organization', orgRef.slice('Organization/'.length));
      break;
    }
  }
  service ??= typeof organisation?.name === 'string' ? organisation.name : 'your practice';
  phone ??= phoneOf(organisation) ?? 'your practice';
  return {
    name: nameOf(patient) ?? 'there',
    service,
    phone,
    ...(organisation !== undefined ? { sender: { reference: `Organization/${organisation.id}` } } : {}),
  };
}
