/**
 * The live part of the waiting rooms (decision 0015): per clinic (Schedule), its calls (one per
 * appointment), who is connected, each participant's place (waiting, in the call, on hold, moved to
 * phone, finished), the clinic's latest message and lateness. Held in this process only and built
 * again from the record after a restart (video-record.ts reads it); the record stays the truth for
 * everything that must survive.
 *
 * Types and the pure status words only; the hub (video-hub.ts) changes this state.
 */
import { londonTime, waitingEstimate, type QueuedAppointment } from '@kindred/care';
import type { AppointmentFacts } from './video-record.ts';
import type { SignalSocket } from './video-service-types.ts';
import { CallStatus, type ParticipantRole, type WaitingStatus } from './video-protocol.ts';

export type { SignalSocket };

export interface LiveParticipant {
  participantId: string;
  role: ParticipantRole;
  displayName: string;
  status: CallStatus;
  socket?: SignalSocket;
  /** the pass of the open socket (a newer socket of the same participant replaces it) */
  passId?: string;
  admittedAt?: number;
}

export interface LiveCall {
  facts: AppointmentFacts;
  /** the patient's place; the other participants have their own */
  status: CallStatus | 'not-arrived';
  checkedInAt?: number;
  admittedAt?: number;
  participants: Map<string, LiveParticipant>;
  /** the last message to this appointment only */
  message?: { text: string; sentAt: string };
  /** "left the waiting room" is sent once per appointment */
  leftMessageSent: boolean;
  graceTimer?: ReturnType<typeof setTimeout>;
  /** the site's origin seen when the patient's pass was made, for links in messages */
  origin?: string;
}

export interface LiveClinic {
  scheduleId: string;
  name: string;
  clinicianName?: string;
  opened: boolean;
  lateMinutes: number;
  lastMessage?: { text: string; sentAt: string };
  calls: Map<string, LiveCall>;
}

/** The patient's participant id in an appointment's call: every opening of their link is the same person. */
export const patientParticipantId = (appointmentId: string): string => `patient-${appointmentId}`;

/** The call statuses from the record's state. */
export function liveStatusOf(state: AppointmentFacts['state']): LiveCall['status'] {
  return state === 'not-arrived' ? 'not-arrived' : state;
}

const WAITING: ReadonlySet<string> = new Set([CallStatus.waiting, CallStatus.onHold]);
export const isWaiting = (status: string): boolean => WAITING.has(status);

/** Those the clinician will see before this call, in order: in the call now, then the waiting by booked time. */
function queueAhead(clinic: LiveClinic, call: LiveCall): QueuedAppointment[] {
  const mine = Date.parse(call.facts.start);
  const others = [...clinic.calls.values()].filter((c) => c !== call && (c.status === CallStatus.inCall || (isWaiting(c.status) && c.checkedInAt !== undefined)));
  return others
    .filter((c) => c.status === CallStatus.inCall || Date.parse(c.facts.start) < mine || (Date.parse(c.facts.start) === mine && c.facts.appointmentId < call.facts.appointmentId))
    .sort((a, b) => (a.status === CallStatus.inCall ? -1 : b.status === CallStatus.inCall ? 1 : Date.parse(a.facts.start) - Date.parse(b.facts.start)))
    .map((c) => ({ start: Date.parse(c.facts.start), minutesDuration: c.facts.minutesDuration, ...(c.status === CallStatus.inCall && c.admittedAt !== undefined ? { inCallSince: c.admittedAt } : {}) }));
}

/** What a participant of the call is told: where they stand, in plain English, never a blank. */
export function waitingStatusOf(clinic: LiveClinic, call: LiveCall, participant: { status: CallStatus | 'not-arrived'; role: ParticipantRole }, now: number): WaitingStatus {
  const who = clinic.clinicianName ?? 'The clinician';
  const message = call.message !== undefined && (clinic.lastMessage === undefined || call.message.sentAt >= clinic.lastMessage.sentAt) ? call.message : clinic.lastMessage;
  const withMessage = (status: WaitingStatus): WaitingStatus => (message !== undefined ? { ...status, message: { ...message } } : status);
  const status = participant.status === 'not-arrived' ? CallStatus.waiting : participant.status;
  if (status === CallStatus.inCall) return withMessage({ status, headline: 'You are in the call.', estimateMinutes: null });
  if (status === CallStatus.phone) {
    const to = participant.role === 'patient' ? 'you on the number we have for you' : `${call.facts.patientName}`;
    return withMessage({ status, headline: `${who} will phone ${to} instead of a video call. You can close this page.`, estimateMinutes: null });
  }
  if (status === CallStatus.finished) return withMessage({ status, headline: 'This appointment has finished. You can close this page.', estimateMinutes: null });
  const estimate = waitingEstimate({ now, opened: clinic.opened, lateMinutes: clinic.lateMinutes, ahead: queueAhead(clinic, call), start: Date.parse(call.facts.start) });
  const onHold = status === CallStatus.onHold ? `${who} has put you back in the waiting room for a moment. Stay on this page. ` : '';
  if (estimate.kind === 'not-started') {
    return withMessage({ status, headline: `${onHold}Your appointment is at ${londonTime(call.facts.start)}. ${who} has not started seeing people yet. Stay on this page.`, estimateMinutes: null });
  }
  const late = clinic.lateMinutes > 0 ? ` ${who} is running about ${clinic.lateMinutes} minutes late.` : '';
  const when = estimate.minutes <= 1 ? 'You should be seen in the next minute or so.' : `You should be seen in about ${estimate.minutes} minutes.`;
  return withMessage({ status, headline: `${onHold}${when}${late}`, estimateMinutes: estimate.minutes });
}
