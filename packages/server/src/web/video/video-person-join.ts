/**
 * "Join video appointment" for a signed-in person or their carer (decision 0015): from 15 minutes
 * before a booked video appointment until its end, the appointments page shows a button; pressing
 * it (a POST) makes a fresh link for them through the video service and sends them to it, so they
 * reach the same device check and waiting room as someone who follows the link in a reminder.
 *
 * It reads the Appointment through the signed-in person's record (the access policy decides
 * whether it is theirs) and must not make a link for anything but a video appointment in its window.
 */
import { modalityOf } from '@kindred/care';
import { FhirError, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance } from 'fastify';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, form } from '../components.ts';
import { timeText } from '../staff/staff-format.ts';
import type { WebDeps } from '../web-context.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** How long before its start a video appointment can be joined. */
export const JOIN_BEFORE_MS = 15 * 60_000;

function endOf(appointment: StoredResource): number {
  const start = Date.parse(String(appointment.start));
  const end = typeof appointment.end === 'string' ? Date.parse(appointment.end) : Number.NaN;
  if (Number.isFinite(end)) return end;
  const minutes = typeof appointment.minutesDuration === 'number' ? appointment.minutesDuration : 15;
  return start + minutes * 60_000;
}

/** A booked (or arrived) video appointment whose join window is open now. */
export function canJoinVideo(appointment: StoredResource, now: number): boolean {
  const start = Date.parse(String(appointment.start));
  if (!Number.isFinite(start) || modalityOf(appointment) !== 'video') return false;
  if (appointment.status !== 'booked' && appointment.status !== 'arrived') return false;
  return now >= start - JOIN_BEFORE_MS && now < endOf(appointment);
}

/** The panel above the person's appointments: one button per video appointment they can join now. */
export function videoJoinPanel(appointments: readonly StoredResource[], csrf: string, now: number): SafeHtml {
  const joinable = appointments.filter((a) => canJoinVideo(a, now));
  if (joinable.length === 0) return html``;
  return html`<div class="nhsuk-inset-text app-video-join">
  <span class="nhsuk-u-visually-hidden">Information: </span>
  ${joinable.map(
    (a) => html`<p>Your video appointment at ${timeText(String(a.start))} is about to start.</p>
    ${form(`/app/person/appointments/${a.id}/video`, csrf, [button(`Join video appointment`)])}`,
  )}
  <p>If the video does not work, we will phone you instead.</p>
</div>`;
}

export function videoPersonJoinRoute(deps: WebDeps) {
  return async function videoPersonJoin(app: FastifyInstance): Promise<void> {
    app.post<{ Params: { id: string } }>('/app/person/appointments/:id/video', async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      if (!ID.test(request.params.id)) throw new FhirError('NOT_FOUND', 'There is no such appointment.');
      const appointment = await ctx.record.read('Appointment', request.params.id);
      if (!canJoinVideo(appointment, Date.now())) {
        throw new FhirError('UNPROCESSABLE', 'This video appointment cannot be joined now. You can join from 15 minutes before it starts. If you need help, call your GP practice.');
      }
      const role = ctx.principal.kind === 'carer' ? 'carer' : 'patient';
      const { path } = await deps.video.createLink(ctx, { appointmentId: appointment.id, role, displayName: ctx.viewer.displayName });
      return reply.header('Cache-Control', 'no-store').redirect(path, 303);
    });
  };
}
