/**
 * The video consultation service (decision 0015): links and passes, the waiting rooms of the
 * clinics, the clinician's actions on a consultation and the signalling hub. Pages and routes call
 * it. It reaches the record only through an access-checked, audited repository: the signed-in
 * clinician's `context.record` for everything staff do, or Kindred's `kindred-video` system context
 * (video-record.ts) for people who joined by a link, only ever about their own pass's appointment.
 * It never sees media.
 */
import { randomBytes } from 'node:crypto';
import {
  admitToConsultation,
  checkInToConsultation,
  communicationProfileOf,
  finishConsultation,
  holdConsultation,
  isPrivacyAnswer,
  londonDate,
  londonDay,
  londonTime,
  modalityOf,
  modalityUsedOf,
  moveConsultationToPhone,
  participantJoined,
  readAccessNeeds,
  readConsultationNote,
  saveConsultationNote,
  sendMessage,
  type CallParticipant,
} from '@kindred/care';
import { FhirError } from '@kindred/fhir';
import { loadSignInSecrets } from '../oidc/sign-in-secrets.ts';
import { CALL_FULL_MESSAGE, createVideoHub } from './video-hub.ts';
import { linkExpiryFor, londonDateOf, patientVideoLinks } from './video-links.ts';
import { isWaiting, patientParticipantId, waitingStatusOf, type LiveCall, type LiveClinic } from './video-live.ts';
import { createVideoPasses, sha256, type VideoPasses } from './video-passes.ts';
import { CallStatus, MAX_CALL_PARTICIPANTS, type ParticipantRole } from './video-protocol.ts';
import { appointmentFacts, videoAppointmentsOn, videoRecord, type AppointmentFacts } from './video-record.ts';
import type { ClinicView, ConsultationView, VideoPass, VideoService, VideoServiceDeps, WaitingEntry, WebContext } from './video-service-types.ts';

export * from './video-service-types.ts';

export const DEFAULT_GRACE_MS = 60_000;
/** A clinician's pass lasts a working day. */
const CLINICIAN_PASS_MS = 12 * 3_600_000;
const MAX_MESSAGE_LENGTH = 500;
const MAX_NAME_LENGTH = 80;

function clinicianOf(context: WebContext): CallParticipant {
  const display = context.viewer.displayName;
  const reference = context.access.fhirUser;
  return { role: 'clinician', display, ...(reference !== undefined ? { individual: { reference, display } } : {}) };
}

function staffOnly(context: WebContext): void {
  if (context.principal.kind !== 'staff') throw new FhirError('ACCESS_DENIED', 'Only staff can do this.');
}

function checkText(text: string, field: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new FhirError('INVALID_REQUEST', `Enter the ${field}.`, { expression: [field] });
  if (trimmed.length > max) throw new FhirError('INVALID_REQUEST', `The ${field} can be at most ${max} characters.`, { expression: [field] });
  return trimmed;
}

export function createVideoService(deps: VideoServiceDeps): VideoService {
  const { settings, auditWriter } = deps;
  const now = deps.now ?? Date.now;
  const store = settings.store;
  const onProblem = deps.onProblem ?? (() => undefined);
  const configuredSite = settings.fhirBaseUrl?.replace(/\/fhir$/, '');
  /** the last origin a link was opened from, when no public address is configured */
  let seenOrigin: string | undefined;
  const siteUrl = (): string => configuredSite ?? seenOrigin ?? 'http://localhost';

  const makePasses = (csrfKey: Buffer): VideoPasses => createVideoPasses({ records: store.identity.oidcRecords, csrfKey, secureCookies: configuredSite?.startsWith('https:') ?? false, now });
  // the CSRF key is the sign-in service's (given by the web app, or read from the store's settings on first use)
  let loaded: VideoPasses | undefined = deps.csrfKey !== undefined ? makePasses(deps.csrfKey) : undefined;
  let loading: Promise<VideoPasses> | undefined;
  const passes = async (): Promise<VideoPasses> => {
    loading ??= loaded !== undefined ? Promise.resolve(loaded) : loadSignInSecrets(store.settings).then((secrets) => (loaded = makePasses(secrets.csrfKey)));
    return loading;
  };
  const loadedPasses = (): VideoPasses => {
    if (loaded === undefined) throw new Error('the video passes are read on first use: call passOf before csrfToken');
    return loaded;
  };

  const serviceRecord = videoRecord(store.repository, auditWriter, 'video-service');
  const passRecord = (pass: VideoPass) => videoRecord(store.repository, auditWriter, `video-pass:${pass.passId}`);

  const hub = createVideoHub({
    iceServers: settings.video.iceServers,
    graceMs: deps.graceMs ?? DEFAULT_GRACE_MS,
    now,
    onLeftWaitingRoom: (call) => {
      sendLeftMessage(call).catch((error: unknown) => onProblem('the "left the waiting room" message', error));
    },
  });

  /** the call of an appointment, loaded from the record when this process does not hold it yet */
  const liveCall = async (appointmentId: string, repository = serviceRecord): Promise<LiveCall> => hub.call(appointmentId) ?? hub.hold(await appointmentFacts(repository, appointmentId));

  const createInvite = async (facts: AppointmentFacts, role: ParticipantRole, displayName: string): Promise<{ path: string; expiresAt: number }> => {
    const expiresAt = linkExpiryFor(facts.start);
    if (expiresAt <= now()) throw new FhirError('UNPROCESSABLE', 'This appointment was more than a day ago: its video link would not work.');
    const oneTime = role !== 'patient';
    const participantId = oneTime ? `p-${randomBytes(9).toString('base64url')}` : patientParticipantId(facts.appointmentId);
    const { path } = await (await passes()).createInvite({ appointmentId: facts.appointmentId, role, displayName, participantId, oneTime, expiresAt });
    return { path, expiresAt };
  };

  const sendLeftMessage = async (call: LiveCall): Promise<void> => {
    if (call.leftMessageSent) return;
    call.leftMessageSent = true;
    const appointment = await serviceRecord.read('Appointment', call.facts.appointmentId);
    const patient = await serviceRecord.read('Patient', call.facts.patientId);
    const link = await createInvite(call.facts, 'patient', call.facts.patientName);
    await sendMessage(
      serviceRecord,
      deps.channels,
      communicationProfileOf(patient, readAccessNeeds(patient)),
      {
        recipient: { reference: `Patient/${patient.id}` },
        template: 'video-left-waiting-room',
        personalisation: {
          name: call.facts.patientName,
          service: call.facts.clinicName,
          phone: call.facts.clinicPhone ?? 'your practice',
          video_link: `${call.origin ?? siteUrl()}${link.path}`,
          date: londonDate(String(appointment.start)),
          time: londonTime(String(appointment.start)),
        },
        about: [{ reference: `Appointment/${appointment.id}` }],
        reference: `video-left:${appointment.id}`,
      },
      { now },
    );
  };

  const entryOf = (call: LiveCall): WaitingEntry => {
    const patient = call.participants.get(patientParticipantId(call.facts.appointmentId));
    return {
      appointmentId: call.facts.appointmentId,
      patientId: call.facts.patientId,
      patientName: call.facts.patientName,
      appointmentStart: call.facts.start,
      minutesDuration: call.facts.minutesDuration,
      ...(call.checkedInAt !== undefined ? { waitingSince: new Date(call.checkedInAt).toISOString() } : {}),
      status: call.status,
      connected: patient?.socket !== undefined,
      ...(call.facts.privacyAnswer !== undefined ? { privacyAnswer: call.facts.privacyAnswer } : {}),
      accessNeeds: [...call.facts.accessNeeds],
      participants: [...call.participants.values()].map((p) => ({ participantId: p.participantId, role: p.role, displayName: p.displayName, connected: p.socket !== undefined, status: p.status })),
    };
  };

  const clinicView = (clinic: LiveClinic): ClinicView => ({
    scheduleId: clinic.scheduleId,
    name: clinic.name,
    opened: clinic.opened,
    lateMinutes: clinic.lateMinutes,
    ...(clinic.lastMessage !== undefined ? { lastMessage: { ...clinic.lastMessage } } : {}),
    entries: [...clinic.calls.values()].sort((a, b) => Date.parse(a.facts.start) - Date.parse(b.facts.start)).map(entryOf),
  });

  /** a staff action on a consultation: the appointment as this clinician may see it, the live call refreshed from it */
  const staffCall = async (context: WebContext, appointmentId: string): Promise<LiveCall> => {
    staffOnly(context);
    return hub.hold(await appointmentFacts(context.record, appointmentId));
  };

  const service: VideoService = {
    iceServers: settings.video.iceServers,

    async createLink(context, input) {
      const repository = context === 'system' ? serviceRecord : context.record;
      const facts = await appointmentFacts(repository, input.appointmentId);
      if (facts.modality !== 'video') throw new FhirError('UNPROCESSABLE', 'This is not a video appointment.');
      return createInvite(facts, input.role, checkText(input.displayName, 'name', MAX_NAME_LENGTH));
    },

    async redeemLink(token, reply) {
      const redeemed = await (await passes()).redeem(token);
      if (redeemed === undefined) return undefined;
      (await passes()).setCookie(reply, redeemed.passId, redeemed.pass.expiresAt);
      const request = reply.request;
      if (configuredSite === undefined && /^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(request.host)) seenOrigin = `${request.protocol}://${request.host}`;
      return redeemed.pass;
    },

    passOf: async (request) => (await passes()).passOf(request),
    csrfToken: (pass) => loadedPasses().csrfToken(pass),
    csrfTokenIsValid: (pass, given) => loadedPasses().csrfTokenIsValid(pass, given),

    async joinDetails(pass) {
      const call = await liveCall(pass.appointmentId, passRecord(pass));
      return {
        clinicName: call.facts.clinicName,
        ...(call.facts.clinicPhone !== undefined ? { clinicPhone: call.facts.clinicPhone } : {}),
        appointmentStart: call.facts.start,
        ...(call.facts.clinicianName !== undefined ? { clinicianName: call.facts.clinicianName } : {}),
        checkedIn: pass.role === 'patient' ? call.checkedInAt !== undefined : call.participants.has(pass.participantId),
        ...(call.facts.privacyAnswer !== undefined && pass.role === 'patient' ? { privacyAnswer: call.facts.privacyAnswer } : {}),
      };
    },

    async checkIn(pass, privacyAnswer) {
      if (!isPrivacyAnswer(privacyAnswer)) throw new FhirError('INVALID_REQUEST', 'Choose yes, no or not sure.', { expression: ['privacy'] });
      const call = await liveCall(pass.appointmentId, passRecord(pass));
      if (pass.role !== 'patient') {
        // a carer, interpreter or colleague waits to be admitted; only the patient's arrival is recorded
        if (!call.participants.has(pass.participantId)) call.participants.set(pass.participantId, { participantId: pass.participantId, role: pass.role, displayName: pass.displayName, status: CallStatus.waiting });
        hub.tellClinic(hub.clinicOf(call));
        return;
      }
      await checkInToConsultation(passRecord(pass), { appointmentId: pass.appointmentId, privacyAnswer, now: now() });
      call.checkedInAt ??= now();
      call.facts = { ...call.facts, privacyAnswer };
      if (call.status === 'not-arrived') call.status = CallStatus.waiting;
      hub.tellCall(call);
      for (const other of hub.clinicOf(call).calls.values()) if (other !== call) hub.tellCall(other);
      hub.tellClinic(hub.clinicOf(call));
    },

    async statusOf(pass) {
      const call = await liveCall(pass.appointmentId, passRecord(pass));
      const participant = call.participants.get(pass.participantId) ?? { role: pass.role, status: pass.role === 'patient' ? call.status : CallStatus.waiting };
      return waitingStatusOf(hub.clinicOf(call), call, participant, now());
    },

    async clinics(context, at) {
      staffOnly(context);
      const found = await videoAppointmentsOn(context.record, londonDay(londonDateOf(at)));
      const scheduleIds = new Set<string>();
      for (const { appointment, encounter } of found) {
        const held = hub.call(appointment.id);
        if (held !== undefined) {
          scheduleIds.add(held.facts.scheduleId);
          continue;
        }
        const facts = await appointmentFacts(context.record, appointment.id, { appointment, encounter: encounter ?? null });
        scheduleIds.add(hub.hold(facts).facts.scheduleId);
      }
      return [...scheduleIds].map((id) => clinicView(hub.clinic(id, id)));
    },

    async consultation(context, appointmentId) {
      const call = await staffCall(context, appointmentId);
      const appointment = await context.record.read('Appointment', appointmentId);
      const encounter = call.facts.encounterId !== undefined ? await context.record.read('Encounter', call.facts.encounterId) : undefined;
      const note = encounter !== undefined ? await readConsultationNote(context.record, encounter.id) : undefined;
      const patient = await context.record.read('Patient', call.facts.patientId);
      const phone = ((patient.telecom as { system?: string; value?: string }[] | undefined) ?? []).find((t) => (t.system === 'phone' || t.system === 'sms') && typeof t.value === 'string')?.value;
      return {
        appointment,
        ...(encounter !== undefined ? { encounter } : {}),
        ...(note !== undefined ? { note: { text: note.text, versionId: note.versionId, documentId: note.documentId } } : {}),
        entry: entryOf(call),
        ...(phone !== undefined ? { patientPhone: phone } : {}),
        modalityUsed: modalityUsedOf(appointment) === 'phone' || call.status === CallStatus.phone ? 'phone' : 'video',
      } satisfies ConsultationView;
    },

    async openClinic(context, scheduleId) {
      staffOnly(context);
      const schedule = await context.record.read('Schedule', scheduleId);
      const clinic = hub.clinic(schedule.id, schedule.id);
      clinic.opened = true;
      for (const call of clinic.calls.values()) hub.tellCall(call);
      hub.tellClinic(clinic);
    },

    async messageWaiting(context, target, text, lateMinutes) {
      staffOnly(context);
      const words = checkText(text, 'message', MAX_MESSAGE_LENGTH);
      if (lateMinutes !== undefined && (!Number.isInteger(lateMinutes) || lateMinutes < 0 || lateMinutes > 240)) throw new FhirError('INVALID_REQUEST', 'Minutes late must be a whole number from 0 to 240.', { expression: ['lateMinutes'] });
      const message = { text: words, sentAt: new Date(now()).toISOString() };
      if ('appointmentId' in target) {
        const call = await staffCall(context, target.appointmentId);
        call.message = message;
        hub.tellCall(call);
        hub.tellClinic(hub.clinicOf(call));
        return;
      }
      const schedule = await context.record.read('Schedule', target.scheduleId);
      const clinic = hub.clinic(schedule.id, schedule.id);
      clinic.lastMessage = message;
      if (lateMinutes !== undefined) clinic.lateMinutes = lateMinutes;
      for (const call of clinic.calls.values()) hub.tellCall(call);
      hub.tellClinic(clinic);
    },

    async admit(context, appointmentId) {
      const call = await staffCall(context, appointmentId);
      if (call.status === CallStatus.finished || call.status === CallStatus.phone) throw new FhirError('UNPROCESSABLE', 'This consultation is no longer a video call.');
      if (call.status !== CallStatus.inCall && hub.inCallCount(call) >= MAX_CALL_PARTICIPANTS) throw new FhirError('CONFLICT', CALL_FULL_MESSAGE);
      await admitToConsultation(context.record, { appointmentId, clinician: clinicianOf(context), now: now() });
      hub.admit(call, patientParticipantId(appointmentId), now());
    },

    async admitParticipant(context, appointmentId, participantId) {
      const call = await staffCall(context, appointmentId);
      if (participantId === patientParticipantId(appointmentId)) return service.admit(context, appointmentId);
      const participant = call.participants.get(participantId);
      if (participant === undefined) throw new FhirError('NOT_FOUND', 'That person has not opened their link yet.');
      if (participant.status === CallStatus.inCall) return;
      if (!isWaiting(participant.status)) throw new FhirError('UNPROCESSABLE', 'This consultation is no longer a video call.');
      if (hub.inCallCount(call) >= MAX_CALL_PARTICIPANTS) throw new FhirError('CONFLICT', CALL_FULL_MESSAGE);
      const role = participant.role === 'patient' || participant.role === 'clinician' ? 'colleague' : participant.role;
      await participantJoined(context.record, { appointmentId, participant: { role, display: participant.displayName }, now: now() });
      hub.admit(call, participantId, now());
    },

    async hold(context, appointmentId) {
      const call = await staffCall(context, appointmentId);
      if (call.status !== CallStatus.inCall) throw new FhirError('UNPROCESSABLE', 'This person is not in the call.');
      await holdConsultation(context.record, { appointmentId, now: now() });
      hub.setStatus(call, CallStatus.onHold, now());
    },

    async invite(context, appointmentId, input) {
      const call = await staffCall(context, appointmentId);
      if (!['carer', 'interpreter', 'colleague'].includes(input.role)) throw new FhirError('INVALID_REQUEST', 'Choose carer, interpreter or colleague.', { expression: ['role'] });
      const displayName = checkText(input.displayName, 'name', MAX_NAME_LENGTH);
      const link = await createInvite(call.facts, input.role, displayName);
      const personalisation = {
        name: displayName,
        service: call.facts.clinicName,
        date: londonDate(call.facts.start),
        time: londonTime(call.facts.start),
        video_link: `${siteUrl()}${link.path}`,
      };
      if (input.sendTo?.sms !== undefined && input.sendTo.sms.trim() !== '') await deps.channels.sendSms({ template: 'video-invite', phoneNumber: input.sendTo.sms.trim(), personalisation, reference: `video-invite:${appointmentId}` });
      if (input.sendTo?.email !== undefined && input.sendTo.email.trim() !== '') await deps.channels.sendEmail({ template: 'video-invite', emailAddress: input.sendTo.email.trim(), personalisation, reference: `video-invite:${appointmentId}` });
      return { path: link.path };
    },

    async moveToPhone(context, appointmentId) {
      const call = await staffCall(context, appointmentId);
      if (call.status === CallStatus.finished) throw new FhirError('UNPROCESSABLE', 'This consultation has already finished.');
      await moveConsultationToPhone(context.record, { appointmentId, clinician: clinicianOf(context), now: now() });
      hub.setStatus(call, CallStatus.phone, now());
    },

    async finish(context, appointmentId) {
      const call = await staffCall(context, appointmentId);
      await finishConsultation(context.record, { appointmentId, now: now() });
      hub.setStatus(call, CallStatus.finished, now());
    },

    async saveNote(context, appointmentId, text, ifMatchVersion) {
      staffOnly(context);
      const author = context.access.fhirUser !== undefined ? { reference: context.access.fhirUser } : { reference: 'Practitioner/unknown' };
      await saveConsultationNote(context.record, { appointmentId, text, author, now: now(), ...(ifMatchVersion !== undefined && ifMatchVersion !== '' ? { ifMatchVersion } : {}) });
    },

    async linkForMessage(appointment, request) {
      const site = configuredSite ?? (/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(request.host) ? `${request.protocol}://${request.host}` : undefined);
      if (site === undefined) return undefined;
      return patientVideoLinks({ store, siteUrl: site, now })(appointment);
    },

    async clinicianPass(context, appointmentId, reply) {
      const call = await staffCall(context, appointmentId);
      if (modalityOf(await context.record.read('Appointment', appointmentId)) !== 'video') throw new FhirError('UNPROCESSABLE', 'This is not a video appointment.');
      const who = context.access.fhirUser ?? context.session.key;
      const issued = await (await passes()).issue({
        appointmentId: call.facts.appointmentId,
        participantId: `clinician-${sha256(who).slice(0, 12)}`,
        role: 'clinician',
        displayName: context.viewer.displayName,
        expiresAt: now() + CLINICIAN_PASS_MS,
      });
      (await passes()).setCookie(reply, issued.passId, issued.pass.expiresAt);
      return issued.pass;
    },

    async openSocket(pass, socket) {
      await liveCall(pass.appointmentId, passRecord(pass));
      return hub.connect(pass, socket);
    },

    async watchClinics(context, socket) {
      staffOnly(context);
      // a clinic whose Schedule this person may read, asked (and audited) once per clinic
      return Promise.resolve(hub.watch((scheduleId) => context.record.read('Schedule', scheduleId).then(() => true), socket));
    },

    openSockets: () => hub.sockets(),
    close: () => hub.close(),
  };
  return service;
}
