/**
 * The staff's video clinic pages and forms (decision 0015):
 * - GET  /app/staff/video: the organisation's clinics today and who is waiting;
 * - POST /app/staff/video/clinics/:scheduleId/{open,message}: open a clinic, message everyone waiting;
 * - GET  /app/staff/video/:appointmentId: the consultation screen (?joined=1 starts the call);
 * - POST /app/staff/video/:appointmentId/{admit,hold,message,invite,phone,finish,notes,join}.
 *
 * Every action is the video service's, through the signed-in clinician's audited record; the
 * forms work without JavaScript (post, then redirect back). Pages here send the call pages'
 * Content-Security-Policy, because the list updates itself and the consultation holds the call.
 */
import { FhirError, isFhirError } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../../pages/html.ts';
import { CALL_PAGE_HEADERS } from '../../pages/pages-plugin.ts';
import { videoAssets } from '../../video/pages/video-call-markup.ts';
import type { FieldError } from '../components.ts';
import { fieldText, formOf, type FormFields, type WebDeps } from '../web-context.ts';
import { consultationPath, renderClinicsMain, VIDEO_BASE } from './video-clinics-page.ts';
import { INVITE_ROLES, renderConsultationMain, type ConsultationPageView } from './video-consultation-page.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** a participant of a call: base64url ids (with - and _) */
const PARTICIPANT_ID = /^[A-Za-z0-9_\-.]{1,100}$/;
const MAX_MESSAGE = 300;
const MAX_NOTE = 20_000;
const MAX_LATE_MINUTES = 240;

const DONE_WORDS: Readonly<Record<string, string>> = {
  opened: 'The clinic is open: the people waiting have been told.',
  messaged: 'Your message has been sent.',
  admitted: 'Admitted. They join the call when their page connects.',
  held: 'Put on hold: they are back in the waiting room and have been told.',
  phone: 'The consultation is now a phone call. Call them on the number shown.',
  finished: 'The consultation has finished.',
  notes: 'Notes saved.',
};

type Message = { text: string; late?: number } | { errors: FieldError[] };

/** The message form: a lateness in minutes and/or a text; at least one. */
export function parseMessageForm(fields: FormFields, idPrefix: string): Message {
  const lateText = fieldText(fields, 'late').trim();
  const text = fieldText(fields, 'text').trim();
  const errors: FieldError[] = [];
  const late = lateText === '' ? undefined : Number(lateText);
  if (late !== undefined && (!Number.isInteger(late) || late < 0 || late > MAX_LATE_MINUTES)) errors.push({ field: `${idPrefix}-late`, message: `Enter the minutes as a whole number from 0 to ${MAX_LATE_MINUTES}` });
  if (text.length > MAX_MESSAGE) errors.push({ field: `${idPrefix}-text`, message: `The message must be ${MAX_MESSAGE} characters or fewer` });
  if (text === '' && late === undefined) errors.push({ field: `${idPrefix}-text`, message: 'Enter a message, or how many minutes late you are running' });
  if (errors.length > 0) return { errors };
  const said = text !== '' ? text : `Sorry, your clinician is running about ${late} minutes late.`;
  return { text: said, ...(late !== undefined ? { late } : {}) };
}

type Invite = { role: 'carer' | 'interpreter' | 'colleague'; displayName: string; sendTo?: { sms?: string; email?: string } } | { errors: FieldError[] };

export function parseInviteForm(fields: FormFields): Invite {
  const role = fieldText(fields, 'inviteRole');
  const displayName = fieldText(fields, 'inviteName').trim();
  const sms = fieldText(fields, 'inviteSms').replace(/\s/g, '');
  const email = fieldText(fields, 'inviteEmail').trim();
  const errors: FieldError[] = [];
  const chosen = INVITE_ROLES.find((r) => r.value === role)?.value;
  if (chosen === undefined) errors.push({ field: 'inviteRole', message: 'Select who you are inviting' });
  if (displayName === '' || displayName.length > 80) errors.push({ field: 'inviteName', message: displayName === '' ? 'Enter their name' : 'The name must be 80 characters or fewer' });
  if (sms !== '' && !/^(\+44|0)7\d{9}$/.test(sms)) errors.push({ field: 'inviteSms', message: 'Enter a UK mobile number, like 07700 900 982' });
  if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ field: 'inviteEmail', message: 'Enter an email address in the correct format, like name@example.com' });
  if (errors.length > 0 || chosen === undefined) return { errors };
  const sendTo = { ...(sms !== '' ? { sms } : {}), ...(email !== '' ? { email } : {}) };
  return { role: chosen, displayName, ...(Object.keys(sendTo).length > 0 ? { sendTo } : {}) };
}

/** Where a form goes back to: a video page, never anywhere else. */
function backTo(fields: FormFields, fallback: string): string {
  const given = fieldText(fields, 'return');
  return given.startsWith(VIDEO_BASE) && !given.includes('//') && /^[A-Za-z0-9\-./?=&_%]*$/.test(given) ? given : fallback;
}

const withDone = (path: string, done: string): string => `${path}${path.includes('?') ? '&' : '?'}done=${done}`;

export function videoStaffRoutes(deps: WebDeps) {
  return async function videoStaffPages(app: FastifyInstance): Promise<void> {
    const sendCallPage = (reply: FastifyReply, status: number, page: string) => reply.code(status).headers(CALL_PAGE_HEADERS).header('Cache-Control', 'no-store').send(page);
    const queryOf = (request: FastifyRequest): Record<string, unknown> => (request.query ?? {}) as Record<string, unknown>;
    const doneOf = (request: FastifyRequest): string | undefined => {
      const done = queryOf(request).done;
      return typeof done === 'string' ? DONE_WORDS[done] : undefined;
    };
    const appointmentIdOf = (request: FastifyRequest): string => {
      const id = (request.params as { appointmentId?: string }).appointmentId ?? '';
      if (!ID.test(id)) throw new FhirError('NOT_FOUND', 'There is no such appointment.');
      return id;
    };
    const scheduleIdOf = (request: FastifyRequest): string => {
      const id = (request.params as { scheduleId?: string }).scheduleId ?? '';
      if (!ID.test(id)) throw new FhirError('NOT_FOUND', 'There is no such clinic.');
      return id;
    };

    const clinicsPage = async (request: FastifyRequest, reply: FastifyReply, status: number, extra: { errors?: FieldError[]; typed?: { scheduleId: string; late: string; text: string } } = {}) => {
      const ctx = deps.contextOf(request);
      const now = Date.now();
      const clinics = await deps.video.clinics(ctx, now);
      const done = doneOf(request);
      const main = html`${renderClinicsMain({ clinics, csrf: ctx.viewer.csrf, now, ...(done !== undefined ? { done } : {}), ...extra })}${videoAssets()}`;
      return sendCallPage(reply, status, deps.render(request, { title: 'Video clinics', main, ...(extra.errors ? { errors: extra.errors } : {}) }));
    };

    const consultationPage = async (request: FastifyRequest, reply: FastifyReply, status: number, extra: Partial<Pick<ConsultationPageView, 'errors' | 'invited' | 'typed' | 'joined'>> = {}) => {
      const ctx = deps.contextOf(request);
      const view = await deps.video.consultation(ctx, appointmentIdOf(request));
      const done = doneOf(request);
      const main = renderConsultationMain({
        view,
        csrf: ctx.viewer.csrf,
        now: Date.now(),
        joined: extra.joined ?? queryOf(request).joined === '1',
        clinicianName: ctx.viewer.displayName,
        ...(done !== undefined ? { done } : {}),
        ...(extra.errors ? { errors: extra.errors } : {}),
        ...(extra.invited ? { invited: extra.invited } : {}),
        ...(extra.typed ? { typed: extra.typed } : {}),
      });
      return sendCallPage(reply, status, deps.render(request, { title: `Video consultation with ${view.entry.patientName}`, main, ...(extra.errors ? { errors: extra.errors } : {}) }));
    };

    app.get(VIDEO_BASE, async (request, reply) => clinicsPage(request, reply, 200));

    app.post(`${VIDEO_BASE}/clinics/:scheduleId/open`, async (request, reply) => {
      deps.checkCsrf(request);
      await deps.video.openClinic(deps.contextOf(request), scheduleIdOf(request));
      return reply.redirect(withDone(VIDEO_BASE, 'opened'), 303);
    });

    app.post(`${VIDEO_BASE}/clinics/:scheduleId/message`, async (request, reply) => {
      deps.checkCsrf(request);
      const scheduleId = scheduleIdOf(request);
      const fields = formOf(request);
      const message = parseMessageForm(fields, `message-${scheduleId}`);
      if ('errors' in message) return clinicsPage(request, reply, 400, { errors: message.errors, typed: { scheduleId, late: fieldText(fields, 'late'), text: fieldText(fields, 'text') } });
      await deps.video.messageWaiting(deps.contextOf(request), { scheduleId }, message.text, message.late);
      return reply.redirect(withDone(VIDEO_BASE, 'messaged'), 303);
    });

    app.get(`${VIDEO_BASE}/:appointmentId`, async (request, reply) => consultationPage(request, reply, 200));

    const simple = (what: string, done: string, act: (request: FastifyRequest, appointmentId: string) => Promise<void>) =>
      app.post(`${VIDEO_BASE}/:appointmentId/${what}`, async (request, reply) => {
        deps.checkCsrf(request);
        const appointmentId = appointmentIdOf(request);
        await act(request, appointmentId);
        return reply.redirect(withDone(backTo(formOf(request), consultationPath(appointmentId)), done), 303);
      });

    app.post(`${VIDEO_BASE}/:appointmentId/admit`, async (request, reply) => {
      deps.checkCsrf(request);
      const appointmentId = appointmentIdOf(request);
      const fields = formOf(request);
      const participantId = fieldText(fields, 'participantId');
      if (participantId !== '' && !PARTICIPANT_ID.test(participantId)) throw new FhirError('NOT_FOUND', 'There is no such participant.');
      try {
        if (participantId === '') await deps.video.admit(deps.contextOf(request), appointmentId);
        else await deps.video.admitParticipant(deps.contextOf(request), appointmentId, participantId);
      } catch (error) {
        // a full call (four people): said beside the people waiting, on the consultation screen
        if (isFhirError(error) && error.status === 409) return consultationPage(request, reply, 409, { errors: [{ field: 'participants-full', message: error.message }] });
        throw error;
      }
      return reply.redirect(withDone(backTo(fields, consultationPath(appointmentId)), 'admitted'), 303);
    });
    simple('hold', 'held', async (request, appointmentId) => deps.video.hold(deps.contextOf(request), appointmentId));
    simple('phone', 'phone', async (request, appointmentId) => deps.video.moveToPhone(deps.contextOf(request), appointmentId));
    simple('finish', 'finished', async (request, appointmentId) => deps.video.finish(deps.contextOf(request), appointmentId));

    app.post(`${VIDEO_BASE}/:appointmentId/message`, async (request, reply) => {
      deps.checkCsrf(request);
      const appointmentId = appointmentIdOf(request);
      const fields = formOf(request);
      const message = parseMessageForm(fields, 'message');
      if ('errors' in message) return consultationPage(request, reply, 400, { errors: message.errors, typed: { late: fieldText(fields, 'late'), text: fieldText(fields, 'text') } });
      await deps.video.messageWaiting(deps.contextOf(request), { appointmentId }, message.text, message.late);
      return reply.redirect(withDone(consultationPath(appointmentId), 'messaged'), 303);
    });

    app.post(`${VIDEO_BASE}/:appointmentId/invite`, async (request, reply) => {
      deps.checkCsrf(request);
      const appointmentId = appointmentIdOf(request);
      const fields = formOf(request);
      const typed = { inviteRole: fieldText(fields, 'inviteRole'), inviteName: fieldText(fields, 'inviteName'), inviteSms: fieldText(fields, 'inviteSms'), inviteEmail: fieldText(fields, 'inviteEmail') };
      const invite = parseInviteForm(fields);
      if ('errors' in invite) return consultationPage(request, reply, 400, { errors: invite.errors, typed });
      const { path } = await deps.video.invite(deps.contextOf(request), appointmentId, invite);
      const origin = `${request.protocol}://${request.headers.host ?? 'localhost'}`;
      const sentTo = [invite.sendTo?.sms, invite.sendTo?.email].filter((x): x is string => x !== undefined).join(' and ');
      // the link is shown this once, on the answer to the post (never in an address or a redirect)
      return consultationPage(request, reply, 200, { invited: { url: `${origin}${path}`, displayName: invite.displayName, ...(sentTo !== '' ? { sentTo } : {}) } });
    });

    app.post(`${VIDEO_BASE}/:appointmentId/notes`, async (request, reply) => {
      deps.checkCsrf(request);
      const appointmentId = appointmentIdOf(request);
      const fields = formOf(request);
      const note = fieldText(fields, 'note');
      const version = fieldText(fields, 'version');
      if (note.trim() === '' || note.length > MAX_NOTE) {
        const errors = [{ field: 'note', message: note.trim() === '' ? 'Enter the notes' : `The notes must be ${MAX_NOTE} characters or fewer` }];
        return consultationPage(request, reply, 400, { errors, typed: { note } });
      }
      try {
        await deps.video.saveNote(deps.contextOf(request), appointmentId, note, version === '' ? undefined : version);
      } catch (error) {
        if (isFhirError(error) && (error.status === 409 || error.status === 412)) {
          const errors = [{ field: 'note', message: 'Someone else saved notes for this consultation while you were writing. Your text is below: check theirs in the record, then save again' }];
          return consultationPage(request, reply, 409, { errors, typed: { note } });
        }
        throw error;
      }
      return reply.redirect(withDone(consultationPath(appointmentId), 'notes'), 303);
    });

    app.post(`${VIDEO_BASE}/:appointmentId/join`, async (request, reply) => {
      deps.checkCsrf(request);
      const appointmentId = appointmentIdOf(request);
      await deps.video.clinicianPass(deps.contextOf(request), appointmentId, reply);
      return reply.redirect(`${consultationPath(appointmentId)}?joined=1`, 303);
    });
  };
}
