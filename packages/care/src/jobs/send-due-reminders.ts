/**
 * The reminder sweep (decision 0013): booked appointments starting in the next `windowHours` that
 * have no message with the reference `reminder:<appointment id>` get one, through messaging's
 * sendMessage and the person's profile. Every message is a Communication carrying that reference
 * (found again by searching Communication by identifier), so running the sweep twice, or after a
 * crash, never reminds anyone twice. A message that cannot be sent is recorded (not-done) by
 * sendMessage and counted; the sweep goes on with the others.
 *
 * Through the repository it is given (the system's, access-checked) and the channels; no state.
 */
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { communicationProfileOf, readAccessNeeds } from '../access-needs/index.ts';
import { appointmentDetails, appointmentMessage } from '../booking/appointment-message.ts';
import type { CommunicationProfile } from '../messaging/channel-choice.ts';
import type { MessageChannels } from '../messaging/message-channels.ts';
import { MESSAGE_REFERENCE_SYSTEM, sendMessage } from '../messaging/send-message.ts';

export interface ReminderOptions {
  now: number;
  /** how far ahead to remind (default 48 hours) */
  windowHours?: number;
  /** the person's communication profile; by default from their Patient's access needs and contact details */
  profileOf?: (patient: StoredResource) => CommunicationProfile | Promise<CommunicationProfile>;
  /** appointments read per page (default 100) */
  pageSize?: number;
  /** a new join link for a video appointment (decision 0015); without it, video reminders carry no link */
  videoLinkFor?: (appointment: StoredResource) => Promise<string | undefined>;
}

export interface ReminderReport {
  /** booked appointments starting in the window */
  due: number;
  /** reminders sent by text, email, letter or in the app */
  sent: number;
  /** left on hold for staff to phone (no written channel reaches the person) */
  staffToPhone: number;
  /** already reminded by an earlier run */
  alreadyReminded: number;
  /** could not be sent (recorded as not-done) */
  failed: number;
}

export const reminderReference = (appointmentId: string): string => `reminder:${appointmentId}`;

const defaultProfile = (patient: StoredResource): CommunicationProfile => communicationProfileOf(patient, readAccessNeeds(patient));

async function alreadyReminded(repository: Repository, appointments: readonly StoredResource[]): Promise<Set<string>> {
  if (appointments.length === 0) return new Set();
  const identifiers = appointments.map((a) => `${MESSAGE_REFERENCE_SYSTEM}|${reminderReference(a.id)}`).join(',');
  const found = new Set<string>();
  let cursor: string | undefined;
  do {
    const request = parseSearchRequest('Communication', [['identifier', identifiers], ['_count', '1000']], { handling: 'strict' });
    const page = await repository.search({ ...request, ...(cursor !== undefined ? { cursor } : {}) });
    for (const communication of page.matches) {
      for (const id of (communication.identifier as { system?: string; value?: string }[] | undefined) ?? []) {
        if (id.system === MESSAGE_REFERENCE_SYSTEM && id.value?.startsWith('reminder:')) found.add(id.value.slice('reminder:'.length));
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return found;
}

export async function sendDueReminders(repository: Repository, channels: MessageChannels, options: ReminderOptions): Promise<ReminderReport> {
  const windowHours = options.windowHours ?? 48;
  const profileOf = options.profileOf ?? defaultProfile;
  const report: ReminderReport = { due: 0, sent: 0, staffToPhone: 0, alreadyReminded: 0, failed: 0 };
  const request = parseSearchRequest(
    'Appointment',
    [
      ['status', 'booked'],
      ['date', `ge${new Date(options.now).toISOString()}`],
      ['date', `lt${new Date(options.now + windowHours * 3_600_000).toISOString()}`],
      ['_sort', 'date'],
      ['_count', String(options.pageSize ?? 100)],
    ],
    { handling: 'strict' },
  );
  let cursor: string | undefined;
  do {
    const page = await repository.search({ ...request, ...(cursor !== undefined ? { cursor } : {}) });
    const reminded = await alreadyReminded(repository, page.matches);
    for (const appointment of page.matches) {
      report.due += 1;
      if (reminded.has(appointment.id)) {
        report.alreadyReminded += 1;
        continue;
      }
      try {
        const details = await appointmentDetails(repository, appointment);
        const patientRef = (appointment.participant as { actor?: { reference?: string } }[]).find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference ?? '';
        const patient = await repository.read('Patient', patientRef.slice('Patient/'.length));
        const videoLink = options.videoLinkFor !== undefined ? await options.videoLinkFor(appointment) : undefined;
        const message = appointmentMessage(appointment, 'appointment-reminder', { ...details, reference: reminderReference(appointment.id), ...(videoLink !== undefined ? { videoLink } : {}) });
        const outcome = await sendMessage(repository, channels, await profileOf(patient), message, { now: () => options.now });
        if (outcome.decision.kind === 'staff-phone') report.staffToPhone += 1;
        else report.sent += 1;
      } catch {
        // a refused send is recorded on its Communication by sendMessage; either way the others still go
        report.failed += 1;
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return report;
}
