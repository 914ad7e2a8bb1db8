/**
 * The video service's interface and views (decision 0015): what the routes and pages call. The
 * implementation is video-service.ts, which also re-exports all of this. Types only.
 */
import type { AccessContext, AuditWriter, Principal } from '@kindred/access';
import type { MessageChannels, PrivacyAnswer } from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import type { CallStatus, IceServer, ParticipantRole, WaitingStatus } from './video-protocol.ts';

/** "Are you somewhere you can talk privately?": yes, no or not sure (care's vocabulary). */
export type { PrivacyAnswer };

/**
 * What the service needs of a signed-in person's web context (web-context.ts's WebContext has all
 * of it; named here so that the web context and this interface do not import each other).
 */
export interface WebContext {
  session: { readonly key: string };
  access: AccessContext;
  principal: Principal;
  record: Repository;
  viewer: { readonly displayName: string };
}

/** One open WebSocket, as the hub needs it (the `ws` socket in the route; a fake in the benchmark). */
export interface SignalSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** Who holds a `kindred_video` cookie: one participant of one appointment's call. */
export interface VideoPass {
  passId: string;
  appointmentId: string;
  participantId: string;
  role: ParticipantRole;
  displayName: string;
  expiresAt: number;
}

export interface WaitingEntry {
  appointmentId: string;
  patientId: string;
  patientName: string;
  appointmentStart: string;
  minutesDuration: number;
  /** when they checked in (ISO), absent when not yet */
  waitingSince?: string;
  status: CallStatus | 'not-arrived';
  /** a socket open right now */
  connected: boolean;
  privacyAnswer?: PrivacyAnswer;
  /** plain-English lines from care's accessNeedsSummary */
  accessNeeds: string[];
  participants: { participantId: string; role: ParticipantRole; displayName: string; connected: boolean; status: CallStatus }[];
}

export interface ClinicView {
  scheduleId: string;
  name: string;
  opened: boolean;
  lateMinutes: number;
  lastMessage?: { text: string; sentAt: string };
  entries: WaitingEntry[];
}

export interface ConsultationView {
  appointment: StoredResource;
  encounter?: StoredResource;
  note?: { text: string; versionId: string; documentId: string };
  entry: WaitingEntry;
  patientPhone?: string;
  modalityUsed: 'video' | 'phone';
}

export interface JoinDetails {
  clinicName: string;
  clinicPhone?: string;
  appointmentStart: string;
  clinicianName?: string;
  checkedIn: boolean;
  privacyAnswer?: PrivacyAnswer;
}

export interface VideoService {
  readonly iceServers: readonly IceServer[];
  // links and passes
  /** a link path "/video/join/<token>": the patient's (reusable until the day after) or a one-time link for carer/interpreter/colleague */
  createLink(context: WebContext | 'system', input: { appointmentId: string; role: ParticipantRole; displayName: string }): Promise<{ path: string; expiresAt: number }>;
  /** opens a link: sets the pass cookie on the reply; undefined when the link is unknown, used (one-time) or expired */
  redeemLink(token: string, reply: FastifyReply): Promise<VideoPass | undefined>;
  /** the pass of this request's cookie, if valid */
  passOf(request: FastifyRequest): Promise<VideoPass | undefined>;
  /** a CSRF token for the pass's forms (the privacy question), bound to the pass */
  csrfToken(pass: VideoPass): string;
  csrfTokenIsValid(pass: VideoPass, given: unknown): boolean;
  /** the clinic's phone number and the appointment's time, for the join pages */
  joinDetails(pass: VideoPass): Promise<JoinDetails>;
  // the person's side
  checkIn(pass: VideoPass, privacyAnswer: PrivacyAnswer): Promise<void>;
  statusOf(pass: VideoPass): Promise<WaitingStatus>;
  // the clinician's side (signed-in staff; everything through context.record, audited)
  clinics(context: WebContext, now: number): Promise<ClinicView[]>;
  consultation(context: WebContext, appointmentId: string): Promise<ConsultationView>;
  openClinic(context: WebContext, scheduleId: string): Promise<void>;
  messageWaiting(context: WebContext, target: { appointmentId: string } | { scheduleId: string }, text: string, lateMinutes?: number): Promise<void>;
  /** admits the patient (and the clinician's own pass is admitted when it connects) */
  admit(context: WebContext, appointmentId: string): Promise<void>;
  /** admits a carer, interpreter or colleague who is waiting */
  admitParticipant(context: WebContext, appointmentId: string, participantId: string): Promise<void>;
  hold(context: WebContext, appointmentId: string): Promise<void>;
  /** makes a one-time link for a carer, interpreter or colleague; optionally sends it by SMS or email (through the message channels) */
  invite(context: WebContext, appointmentId: string, input: { role: 'carer' | 'interpreter' | 'colleague'; displayName: string; sendTo?: { sms?: string; email?: string } }): Promise<{ path: string }>;
  moveToPhone(context: WebContext, appointmentId: string): Promise<void>;
  finish(context: WebContext, appointmentId: string): Promise<void>;
  saveNote(context: WebContext, appointmentId: string, text: string, ifMatchVersion?: string): Promise<void>;
  /**
   * the patient's join link (absolute) for a message about a video appointment (its confirmation):
   * undefined for any other appointment; the site is the configured public address, else the request's
   */
  linkForMessage(appointment: StoredResource, request: FastifyRequest): Promise<string | undefined>;
  /** a pass for the signed-in clinician to join the call's WebSocket (sets the cookie) */
  clinicianPass(context: WebContext, appointmentId: string, reply: FastifyReply): Promise<VideoPass>;
  /** the signalling socket of a pass: its handlers (the route calls them on each frame and on close) */
  openSocket(pass: VideoPass, socket: SignalSocket): Promise<{ message(text: string): void; close(): void }>;
  /** a signed-in staff member's socket told `room-changed` when one of their clinics changes; returns the unwatch */
  watchClinics(context: WebContext, socket: SignalSocket): Promise<() => void>;
  /** sockets open now (the benchmark reports it) */
  openSockets(): number;
  /** stops the grace timers (the app is closing) */
  close(): void;
}

export interface VideoServiceDeps {
  settings: AppSettings;
  channels: MessageChannels;
  auditWriter: AuditWriter;
  /** how long a waiting person may be gone before they are sent a message; default 60 s */
  graceMs?: number;
  now?: () => number;
  /** the sign-in service's CSRF key (the web app has it); read from the store's settings when absent */
  csrfKey?: Buffer;
  /** told when a background step (the grace message) fails; default: nothing */
  onProblem?: (what: string, error: unknown) => void;
}

