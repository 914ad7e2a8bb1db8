/**
 * The signalling hub (decision 0015): the live waiting rooms of this process and the sockets of
 * their participants. It alone decides who is in a call: `signal` is relayed only between
 * participants of the same call who are both in it; at most MAX_CALL_PARTICIPANTS are in a call;
 * a newer socket of a participant replaces the older one (no ghost participant); a waiting
 * patient whose socket closes and who is not back within the grace period is reported once to
 * `onLeftWaitingRoom` (the service sends the message). Hostile input gets an `error` and changes
 * nothing; a flood is cut off (rate limit), a huge frame closes the socket (1009, by `ws`).
 *
 * No record access: the service loads facts and passes them in.
 */
import type { AppointmentFacts } from './video-record.ts';
import { isWaiting, liveStatusOf, patientParticipantId, waitingStatusOf, type LiveCall, type LiveClinic, type LiveParticipant, type SignalSocket } from './video-live.ts';
import { CallStatus, MAX_CALL_PARTICIPANTS, parseClientMessage, type IceServer, type PeerSummary, type ServerMessage } from './video-protocol.ts';
import type { VideoPass } from './video-service-types.ts';

/** Messages a socket may send per second on average, and in a burst (ICE gathering sends a few dozen at once). */
export const SIGNAL_RATE_PER_SECOND = 50;
export const SIGNAL_BURST = 200;
/** After this many messages over the limit the socket is closed (1008). */
const FLOOD_CLOSE_AFTER = 500;
export const CALL_FULL_MESSAGE = `This call is full (${MAX_CALL_PARTICIPANTS} people).`;
export const SocketClose = { replaced: 4000, finished: 4001, policy: 1008 } as const;

export interface HubOptions {
  iceServers: readonly IceServer[];
  graceMs: number;
  now: () => number;
  onLeftWaitingRoom(call: LiveCall): void;
}

export interface SocketHandlers {
  message(text: string): void;
  close(): void;
}

export interface VideoHub {
  clinic(scheduleId: string, name: string, clinicianName?: string): LiveClinic;
  /** the call, when this process holds it */
  call(appointmentId: string): LiveCall | undefined;
  /** holds (or refreshes) a call with what the record says */
  hold(facts: AppointmentFacts): LiveCall;
  clinicOf(call: LiveCall): LiveClinic;
  connect(pass: VideoPass, socket: SignalSocket): SocketHandlers;
  /** a staff socket told `room-changed` for each clinic `mayWatch` allows (asked once per clinic); returns the unwatch */
  watch(mayWatch: (scheduleId: string) => Promise<boolean>, socket: SignalSocket): () => void;
  /** moves a participant into the call; false (and an `error` to them) when it is full */
  admit(call: LiveCall, participantId: string, now: number): boolean;
  setStatus(call: LiveCall, status: CallStatus, now: number): void;
  tellCall(call: LiveCall): void;
  tellClinic(clinic: LiveClinic): void;
  inCallCount(call: LiveCall): number;
  sockets(): number;
  close(): void;
}

interface Bucket {
  tokens: number;
  at: number;
  over: number;
}

export function createVideoHub(options: HubOptions): VideoHub {
  const clinics = new Map<string, LiveClinic>();
  const watchers = new Map<SignalSocket, { may: (scheduleId: string) => Promise<boolean>; known: Map<string, Promise<boolean>> }>();
  const calls = new Map<string, LiveCall>();
  let open = 0;
  /** the hub is stopping: no new grace timers */
  let closed = false;

  const send = (socket: SignalSocket | undefined, message: ServerMessage): void => {
    if (socket === undefined) return;
    try {
      socket.send(JSON.stringify(message));
    } catch {
      // a socket closing under us: its close handler tidies up
    }
  };
  const clinicOf = (call: LiveCall): LiveClinic => {
    const clinic = clinics.get(call.facts.scheduleId);
    if (clinic === undefined) throw new Error(`no clinic for ${call.facts.appointmentId}`);
    return clinic;
  };
  const summary = (p: LiveParticipant): PeerSummary => ({ participantId: p.participantId, role: p.role, displayName: p.displayName });
  const inCall = (call: LiveCall): LiveParticipant[] => [...call.participants.values()].filter((p) => p.status === CallStatus.inCall);
  const connectedInCall = (call: LiveCall, except?: string): LiveParticipant[] => inCall(call).filter((p) => p.socket !== undefined && p.participantId !== except);
  const statusFor = (call: LiveCall, p: LiveParticipant) => waitingStatusOf(clinicOf(call), call, p, options.now());

  const tellClinic = (clinic: LiveClinic): void => {
    for (const [socket, watcher] of watchers) {
      let allowed = watcher.known.get(clinic.scheduleId);
      if (allowed === undefined) {
        allowed = watcher.may(clinic.scheduleId).catch(() => false);
        watcher.known.set(clinic.scheduleId, allowed);
      }
      void allowed.then((ok) => {
        if (ok && watchers.has(socket)) send(socket, { type: 'room-changed' });
      });
    }
  };
  const tellCall = (call: LiveCall): void => {
    for (const p of call.participants.values()) send(p.socket, { type: 'status', status: statusFor(call, p) });
  };

  /** a participant's socket is in the call: they get the peers, the others get them */
  const enterCall = (call: LiveCall, p: LiveParticipant): void => {
    if (p.socket === undefined) return;
    send(p.socket, { type: 'peers', peers: connectedInCall(call, p.participantId).map(summary) });
    for (const other of connectedInCall(call, p.participantId)) send(other.socket, { type: 'peer-joined', peer: summary(p) });
  };
  const leaveCall = (call: LiveCall, p: LiveParticipant): void => {
    for (const other of connectedInCall(call, p.participantId)) send(other.socket, { type: 'peer-left', participantId: p.participantId });
  };

  const clearGrace = (call: LiveCall): void => {
    if (call.graceTimer !== undefined) clearTimeout(call.graceTimer);
    call.graceTimer = undefined;
  };

  const hub: VideoHub = {
    clinic(scheduleId, name, clinicianName) {
      const existing = clinics.get(scheduleId);
      if (existing !== undefined) {
        // a clinic first met by its id alone (opened, or messaged, before any of its calls was held) gets its name later
        if (existing.name === scheduleId && name !== scheduleId) existing.name = name;
        if (clinicianName !== undefined) existing.clinicianName ??= clinicianName;
        return existing;
      }
      const clinic: LiveClinic = { scheduleId, name, ...(clinicianName !== undefined ? { clinicianName } : {}), opened: false, lateMinutes: 0, calls: new Map() };
      clinics.set(scheduleId, clinic);
      return clinic;
    },
    call: (appointmentId) => calls.get(appointmentId),
    hold(facts) {
      const clinic = hub.clinic(facts.scheduleId, facts.clinicName, facts.clinicianName);
      const existing = calls.get(facts.appointmentId);
      if (existing !== undefined) {
        existing.facts = facts;
        return existing;
      }
      const status = liveStatusOf(facts.state);
      const call: LiveCall = {
        facts,
        status,
        ...(facts.checkedInAt !== undefined ? { checkedInAt: Date.parse(facts.checkedInAt) } : {}),
        ...(facts.admittedAt !== undefined ? { admittedAt: Date.parse(facts.admittedAt) } : {}),
        participants: new Map(),
        leftMessageSent: false,
      };
      // a consultation already under way (the process restarted): the clinician had opened the clinic
      if (facts.admittedAt !== undefined) clinic.opened = true;
      calls.set(facts.appointmentId, call);
      clinic.calls.set(facts.appointmentId, call);
      return call;
    },
    clinicOf,

    connect(pass, socket) {
      const call = calls.get(pass.appointmentId);
      if (call === undefined) throw new Error('connect before the call is held');
      open += 1;
      const bucket: Bucket = { tokens: SIGNAL_BURST, at: options.now(), over: 0 };
      let p = call.participants.get(pass.participantId);
      if (p === undefined) {
        const status = pass.role === 'patient' ? (call.status === 'not-arrived' ? CallStatus.waiting : call.status) : pass.role === 'clinician' ? CallStatus.inCall : isWaiting(call.status) || call.status === 'not-arrived' || call.status === CallStatus.inCall ? CallStatus.waiting : call.status;
        p = { participantId: pass.participantId, role: pass.role, displayName: pass.displayName, status };
        call.participants.set(p.participantId, p);
      }
      const me = p;
      // a reconnection (or the same person on a second device): the newer socket replaces the older
      const previous = me.socket;
      if (previous !== undefined) {
        me.socket = undefined;
        leaveCall(call, me);
        try {
          previous.close(SocketClose.replaced, 'Opened again elsewhere');
        } catch {
          // already closing
        }
      }
      me.socket = socket;
      me.passId = pass.passId;
      if (me.role === 'patient') clearGrace(call);
      // the clinician is in the call at once, unless it is full
      if (me.role === 'clinician' && me.status !== CallStatus.inCall && me.status !== CallStatus.finished) me.status = CallStatus.inCall;
      if (me.status === CallStatus.inCall && inCall(call).length > MAX_CALL_PARTICIPANTS) me.status = CallStatus.waiting;
      send(socket, { type: 'welcome', participantId: me.participantId, role: me.role, appointmentId: call.facts.appointmentId, iceServers: options.iceServers.map((s) => ({ ...s })), status: statusFor(call, me) });
      if (me.status === CallStatus.inCall) enterCall(call, me);
      else if (me.role === 'clinician') send(socket, { type: 'error', message: CALL_FULL_MESSAGE });
      tellClinic(clinicOf(call));

      const allowed = (): boolean => {
        const now = options.now();
        bucket.tokens = Math.min(SIGNAL_BURST, bucket.tokens + ((now - bucket.at) / 1000) * SIGNAL_RATE_PER_SECOND);
        bucket.at = now;
        if (bucket.tokens >= 1) {
          bucket.tokens -= 1;
          return true;
        }
        bucket.over += 1;
        return false;
      };

      return {
        message(text) {
          if (me.socket !== socket) return;
          if (!allowed()) {
            if (bucket.over === 1) send(socket, { type: 'error', message: 'Too many messages: slow down.' });
            if (bucket.over >= FLOOD_CLOSE_AFTER) socket.close(SocketClose.policy, 'Too many messages');
            return;
          }
          const parsed = parseClientMessage(text);
          if (parsed === undefined) return send(socket, { type: 'error', message: 'That message was not understood.' });
          if (parsed.type === 'ping') return send(socket, { type: 'pong', sentAt: parsed.sentAt });
          if (me.status !== CallStatus.inCall) return send(socket, { type: 'error', message: 'You are not in the call yet.' });
          const to = call.participants.get(parsed.to);
          if (to === undefined || to.status !== CallStatus.inCall || to.socket === undefined || to === me) return send(socket, { type: 'error', message: 'That person is not in the call.' });
          send(to.socket, { type: 'signal', from: me.participantId, data: parsed.data });
        },
        close() {
          open -= 1;
          if (me.socket !== socket) return;
          me.socket = undefined;
          if (me.status === CallStatus.inCall) leaveCall(call, me);
          tellClinic(clinicOf(call));
          const waitingPatient = me.role === 'patient' && call.checkedInAt !== undefined && isWaiting(call.status);
          if (waitingPatient && !call.leftMessageSent && !closed) {
            clearGrace(call);
            call.graceTimer = setTimeout(() => {
              call.graceTimer = undefined;
              const patient = call.participants.get(patientParticipantId(call.facts.appointmentId));
              if (patient?.socket === undefined && isWaiting(call.status) && !call.leftMessageSent) options.onLeftWaitingRoom(call);
            }, options.graceMs);
            // a waiting person's grace never keeps the process alive (a server that is stopping sends no message)
            call.graceTimer.unref();
          }
        },
      };
    },

    watch(mayWatch, socket) {
      watchers.set(socket, { may: mayWatch, known: new Map() });
      return () => {
        watchers.delete(socket);
      };
    },

    admit(call, participantId, now) {
      const p = call.participants.get(participantId);
      const isPatient = participantId === patientParticipantId(call.facts.appointmentId);
      if (p?.status === CallStatus.inCall || (isPatient && p === undefined && call.status === CallStatus.inCall)) return true;
      if (inCall(call).length >= MAX_CALL_PARTICIPANTS) {
        send(p?.socket, { type: 'error', message: CALL_FULL_MESSAGE });
        return false;
      }
      if (isPatient) {
        call.status = CallStatus.inCall;
        call.admittedAt ??= now;
      }
      const admitted = p === undefined ? [] : [p];
      // back from hold: the carers who were put on hold with the patient come back with them
      if (isPatient) admitted.push(...[...call.participants.values()].filter((c) => c.role === 'carer' && c.status === CallStatus.onHold));
      for (const person of admitted) {
        if (person !== p && inCall(call).length >= MAX_CALL_PARTICIPANTS) break;
        person.status = CallStatus.inCall;
        person.admittedAt = now;
        send(person.socket, { type: 'status', status: statusFor(call, person) });
        enterCall(call, person);
      }
      clinicOf(call).opened = true;
      for (const other of clinicOf(call).calls.values()) if (other !== call) tellCall(other);
      tellClinic(clinicOf(call));
      return true;
    },

    setStatus(call, status, now) {
      void now;
      call.status = status;
      if (status !== CallStatus.waiting && status !== CallStatus.onHold) clearGrace(call);
      // on hold: the patient and the carers with them; the clinician, an interpreter and a colleague stay in the call
      const staysInCall = (p: LiveParticipant): boolean => (status === CallStatus.onHold || status === CallStatus.waiting) && p.role !== 'patient' && p.role !== 'carer';
      for (const p of call.participants.values()) {
        if (staysInCall(p)) continue;
        const wasInCall = p.status === CallStatus.inCall;
        p.status = status;
        if (wasInCall && status !== CallStatus.inCall) leaveCall(call, p);
      }
      tellCall(call);
      for (const other of clinicOf(call).calls.values()) if (other !== call) tellCall(other);
      tellClinic(clinicOf(call));
    },

    tellCall,
    tellClinic,
    inCallCount: (call) => inCall(call).length,
    sockets: () => open,
    close() {
      closed = true;
      for (const call of calls.values()) clearGrace(call);
    },
  };
  return hub;
}
