/**
 * The video consultation's signalling protocol (decision 0015): the JSON messages that the browser
 * and Kindred exchange over the WebSocket at /video/signal. Kindred relays WebRTC offers, answers
 * and ICE candidates between the participants of one call and tells each participant where they
 * stand (waiting, admitted, on hold, moved to a phone call, finished). Media never passes through
 * Kindred: it flows between the browsers, directly or through the configured TURN server.
 *
 * Types and small pure checks only: the browser client (client/video-client.js) speaks the same
 * messages, so a change here is a change there.
 */

/** Who a participant is in the call. The patient joins from their appointment's link; the others by a one-time link, or signed in (the clinician). */
export const ParticipantRole = { patient: 'patient', clinician: 'clinician', carer: 'carer', interpreter: 'interpreter', colleague: 'colleague' } as const;
export type ParticipantRole = (typeof ParticipantRole)[keyof typeof ParticipantRole];

/** Where a participant stands. Only `in-call` participants exchange media. */
export const CallStatus = {
  /** in the waiting room, not yet admitted */
  waiting: 'waiting',
  /** admitted: media flows with the others in the call */
  inCall: 'in-call',
  /** put back in the waiting room by the clinician after being admitted */
  onHold: 'on-hold',
  /** the clinician turned the consultation into a phone call: they will ring the number on record */
  phone: 'phone',
  /** the consultation is over */
  finished: 'finished',
} as const;
export type CallStatus = (typeof CallStatus)[keyof typeof CallStatus];

/** The most people in one call (the clinician counts). */
export const MAX_CALL_PARTICIPANTS = 4;
/** A signalling message bigger than this closes the socket (an SDP is a few KB). */
export const MAX_SIGNAL_BYTES = 64 * 1024;

/** An RTCIceServer as the browser takes it (STUN or TURN; TURN with a username and credential). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface PeerSummary {
  participantId: string;
  role: ParticipantRole;
  /** the name others see: "Dr Asha Patel", "Sam (carer)", "Interpreter (Polish)" */
  displayName: string;
}

/** What the waiting person is told: never a blank screen. */
export interface WaitingStatus {
  status: CallStatus;
  /** plain English: "Dr Patel is running about 10 minutes late." */
  headline: string;
  /** an honest estimate of minutes until they are seen, or null when Kindred cannot know (and the headline says why) */
  estimateMinutes: number | null;
  /** the latest message from the clinic, if any */
  message?: { text: string; sentAt: string };
}

/** Browser → Kindred */
export type ClientMessage =
  /** relay a WebRTC session description or ICE candidate to one peer of the same call */
  | { type: 'signal'; to: string; data: SignalData }
  /** the connection check on the device-check page (answered with `pong`) */
  | { type: 'ping'; sentAt: number };

export type SignalData = { description: { type: 'offer' | 'answer' | 'pranswer' | 'rollback'; sdp?: string } } | { candidate: Record<string, unknown> | null };

/** Kindred → browser */
export type ServerMessage =
  /** first message after the socket opens: who you are, how to reach the others */
  | { type: 'welcome'; participantId: string; role: ParticipantRole; appointmentId: string; iceServers: IceServer[]; status: WaitingStatus }
  /** your status changed (admitted, on hold, a message from the clinic, a new estimate, phone, finished) */
  | { type: 'status'; status: WaitingStatus }
  /** you are in the call: these are the others already in it; you (the newcomer) send each an offer */
  | { type: 'peers'; peers: PeerSummary[] }
  | { type: 'peer-joined'; peer: PeerSummary }
  | { type: 'peer-left'; participantId: string }
  | { type: 'signal'; from: string; data: SignalData }
  | { type: 'pong'; sentAt: number }
  /** the waiting room of the clinician's clinic changed: the staff page reloads its list */
  | { type: 'room-changed' }
  | { type: 'error'; message: string };

/** Parses one message from a browser; undefined when it is not one (the caller answers with an `error`). */
export function parseClientMessage(text: string): ClientMessage | undefined {
  if (text.length > MAX_SIGNAL_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (message.type === 'ping' && typeof message.sentAt === 'number' && Number.isFinite(message.sentAt)) return { type: 'ping', sentAt: message.sentAt };
  if (message.type !== 'signal' || typeof message.to !== 'string' || message.to.length === 0 || message.to.length > 100) return undefined;
  const data = message.data as Record<string, unknown> | null | undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  if ('description' in data) {
    const description = data.description as Record<string, unknown> | null;
    if (typeof description !== 'object' || description === null) return undefined;
    if (!['offer', 'answer', 'pranswer', 'rollback'].includes(String(description.type))) return undefined;
    if (description.sdp !== undefined && typeof description.sdp !== 'string') return undefined;
    const sdp = description.sdp;
    return { type: 'signal', to: message.to, data: { description: { type: description.type as 'offer' | 'answer' | 'pranswer' | 'rollback', ...(sdp !== undefined ? { sdp } : {}) } } };
  }
  if ('candidate' in data) {
    const candidate = data.candidate;
    if (candidate !== null && (typeof candidate !== 'object' || Array.isArray(candidate))) return undefined;
    return { type: 'signal', to: message.to, data: { candidate: candidate === null ? null : { ...(candidate as Record<string, unknown>) } } };
  }
  return undefined;
}
