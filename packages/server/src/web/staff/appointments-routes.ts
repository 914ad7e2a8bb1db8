/**
 * The day's appointments and what staff do to one (issue 4, "Booking by modality"):
 * - GET  /app/staff/appointments?date=: the organisation's diaries on a day (Europe/London);
 * - POST /app/staff/appointments/:id/no-show: record that the person did not come (after the start);
 * - GET/POST /app/staff/appointments/:id/cancel: cancel with a reason, and tell the person;
 * - GET/POST /app/staff/appointments/:id/rebook: move to another free time, and confirm it to them.
 *
 * Through the signed-in person's record, the slot ledger and the care services only.
 */
import {
  MODALITY_WORDS,
  appointmentDetails,
  appointmentMessage,
  cancelAppointment,
  isModality,
  listDay,
  modalityOf,
  readAccessNeeds,
  rebookAppointment,
  recordNoShow,
  schedulesOf,
  type Modality,
} from '@kindred/care';
import { isFhirError, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../components.ts';
import { fieldText, formOf, type WebContext, type WebDeps } from '../web-context.ts';
import { appointmentLine, patientIdOf, patientsOf } from './appointment-lines.ts';
import { cancelTitle, dayTitle, rebookTitle, renderCancelPage, renderDayPage, renderRebookPage, type ChangeView, type RebookView } from './appointments-page.ts';
import { requestParams } from './booking-routes.ts';
import { contactPerson } from './contact-person.ts';
import { DAYS_SHOWN, addDays, freeTimes } from './free-times.ts';
import { personSummary } from './request-data.ts';
import { organisationContact } from './request-outcomes.ts';
import { colleaguesOf } from './staff-colleagues.ts';
import { dateTimeText, idOf, linkTo, londonDate } from './staff-format.ts';
import { orgParam, staffWorkplace, type StaffWorkplace } from './staff-organisation.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_REASON = 500;

const queryOf = (request: FastifyRequest): Record<string, string> =>
  Object.fromEntries(Object.entries(request.query as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));

const isDay = (text: string | undefined): text is string => text !== undefined && DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));

async function dayPage(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, workplace: StaffWorkplace, date: string, extras: { done?: string; errors?: FieldError[]; typedDate?: string }, status = 200): Promise<FastifyReply> {
  const ctx = deps.contextOf(request);
  const now = Date.now();
  const schedules = await schedulesOf(ctx.record, workplace.current.id);
  const [days, colleagues] = await Promise.all([Promise.all(schedules.map((id) => listDay(ctx.record, id, date))), colleaguesOf(ctx, workplace.current.id)]);
  const appointments = [...new Map(days.flat().flatMap((d) => (d.appointment !== undefined ? [[d.appointment.id, d.appointment] as const] : []))).values()].sort((a, b) =>
    String(a.start).localeCompare(String(b.start)),
  );
  const patients = await patientsOf(ctx.record, appointments);
  const names = new Map(colleagues.map((c) => [c.value, c.text.replace(/ \(.*\)$/, '')]));
  const org = orgParam(workplace);
  const view = {
    ...(org !== undefined ? { org } : {}),
    csrf: ctx.viewer.csrf,
    organisationName: workplace.current.name,
    date,
    today: londonDate(now),
    now,
    appointments: appointments.map((a) => appointmentLine(a, patients, names)),
    ...(extras.done !== undefined ? { done: extras.done } : {}),
    ...(extras.errors !== undefined && extras.errors.length > 0 ? { errors: extras.errors } : {}),
    ...(extras.typedDate !== undefined ? { typedDate: extras.typedDate } : {}),
  };
  return deps.send(reply, status, deps.render(request, { title: dayTitle(view), main: renderDayPage(view), ...(view.errors !== undefined ? { errors: view.errors } : {}) }));
}

interface LoadedAppointment {
  appointment: StoredResource;
  patient: StoredResource;
  workplace: StaffWorkplace;
  view: ChangeView;
}

async function loadAppointment(ctx: WebContext, id: string, org: string | undefined, values: Record<string, string>, errors?: FieldError[]): Promise<LoadedAppointment> {
  const now = Date.now();
  const appointment = await ctx.record.read('Appointment', id);
  const patientId = patientIdOf(appointment);
  const workplace = await staffWorkplace(ctx.principal, ctx.record, org === '' ? undefined : org);
  const [patients, colleagues] = await Promise.all([patientsOf(ctx.record, [appointment]), colleaguesOf(ctx, workplace.current.id)]);
  const patient = patientId !== undefined ? patients.get(patientId) : undefined;
  if (patient === undefined) throw Object.assign(new Error('This appointment has no person you can see, so it cannot be changed here.'), { statusCode: 404, webMessage: true });
  const person = await personSummary(ctx.record, patient, now);
  const line = appointmentLine(appointment, patients, new Map(colleagues.map((c) => [c.value, c.text.replace(/ \(.*\)$/, '')])));
  const orgValue = orgParam(workplace);
  return {
    appointment,
    patient,
    workplace,
    view: {
      appointment: line,
      firstName: person.firstName,
      ...(person.carer !== undefined ? { carer: person.carer } : {}),
      ...(orgValue !== undefined ? { org: orgValue } : {}),
      csrf: ctx.viewer.csrf,
      ...(errors !== undefined && errors.length > 0 ? { errors } : {}),
      values,
    },
  };
}

async function rebookView(ctx: WebContext, loaded: LoadedAppointment, raw: Record<string, string>, now: number): Promise<RebookView> {
  const today = londonDate(now);
  const modality: Modality = isModality(raw.modality) ? raw.modality : (modalityOf(loaded.appointment) ?? 'phone');
  const from = isDay(raw.from) && raw.from >= today ? raw.from : today;
  const slots = await freeTimes(ctx, loaded.workplace.current.id, { modality, from }, now);
  const earlier = addDays(from, -DAYS_SHOWN);
  return {
    ...loaded.view,
    modality,
    from,
    later: addDays(from, DAYS_SHOWN),
    ...(from > today ? { earlier: earlier < today ? today : earlier } : {}),
    times: slots.map((s) => ({ id: s.id, start: String(s.start), ...(typeof s.end === 'string' ? { end: s.end } : {}) })),
  };
}

/** A refusal staff can act on by choosing again or reading it (taken, passed, not booked any more). */
function refusal(error: unknown): string | undefined {
  return isFhirError(error) && ['CONFLICT', 'UNPROCESSABLE', 'INVALID_REQUEST', 'PRECONDITION_FAILED'].includes(error.errorName) ? error.message : undefined;
}

export function appointmentsRoutes(deps: WebDeps) {
  return async function appointmentPages(app: FastifyInstance): Promise<void> {
    app.get('/app/staff/appointments', async (request, reply) => {
      const ctx = deps.contextOf(request);
      const raw = queryOf(request);
      const workplace = await staffWorkplace(ctx.principal, ctx.record, raw.org === '' ? undefined : raw.org);
      const today = londonDate(Date.now());
      const done = raw.done !== undefined ? { done: raw.done } : {};
      if (raw.date !== undefined && raw.date !== '' && !isDay(raw.date)) {
        return dayPage(deps, request, reply, workplace, today, { errors: [{ field: 'date', message: 'Enter a real day, for example 2026-11-24' }], typedDate: raw.date }, 400);
      }
      return dayPage(deps, request, reply, workplace, isDay(raw.date) ? raw.date : today, done);
    });

    app.post('/app/staff/appointments/:id/no-show', { schema: { params: requestParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const fields = formOf(request);
      const workplace = await staffWorkplace(ctx.principal, ctx.record, fieldText(fields, 'org') || undefined);
      const id = (request.params as { id: string }).id;
      const date = isDay(fieldText(fields, 'date')) ? fieldText(fields, 'date') : londonDate(Date.now());
      try {
        await recordNoShow(ctx.record, id, Date.now());
      } catch (error) {
        const problem = refusal(error);
        if (problem === undefined) throw error;
        return dayPage(deps, request, reply, workplace, date, { errors: [{ field: `appointment-${id}`, message: problem }] }, 409);
      }
      return reply.redirect(linkTo('/app/staff/appointments', orgParam(workplace), { date, done: 'noshow' }), 303);
    });

    app.get('/app/staff/appointments/:id/cancel', { schema: { params: requestParams } }, async (request, reply) => {
      const loaded = await loadAppointment(deps.contextOf(request), (request.params as { id: string }).id, queryOf(request).org, {});
      return deps.send(reply, 200, deps.render(request, { title: cancelTitle(loaded.view), main: renderCancelPage(loaded.view) }));
    });

    app.post('/app/staff/appointments/:id/cancel', { schema: { params: requestParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const fields = formOf(request);
      const id = (request.params as { id: string }).id;
      const reason = fieldText(fields, 'reason').trim();
      const again = async (status: number, message: string) => {
        const loaded = await loadAppointment(ctx, id, fieldText(fields, 'org'), { reason: fieldText(fields, 'reason') }, [{ field: 'reason', message }]);
        return deps.send(reply, status, deps.render(request, { title: cancelTitle(loaded.view), main: renderCancelPage(loaded.view), errors: loaded.view.errors ?? [] }));
      };
      if (reason === '') return again(400, 'Say why the appointment is cancelled');
      if (reason.length > MAX_REASON) return again(400, `The reason must be ${MAX_REASON} characters or fewer`);
      const loaded = await loadAppointment(ctx, id, fieldText(fields, 'org'), {});
      try {
        await cancelAppointment(ctx.record, deps.ledger, id, reason, { reference: loaded.workplace.practitioner, display: ctx.viewer.displayName });
      } catch (error) {
        const problem = refusal(error);
        if (problem === undefined) throw error;
        return again(409, problem);
      }
      const organisation = await organisationContact(ctx.record, loaded.workplace.current.id, loaded.workplace.current.name);
      const modality = modalityOf(loaded.appointment);
      const text = `Your ${modality !== undefined ? `${MODALITY_WORDS[modality]} ` : ''}appointment on ${dateTimeText(String(loaded.appointment.start))} is cancelled: ${reason}. To book another time, call us${organisation.phone !== undefined ? ` on ${organisation.phone}` : ''}.`;
      await contactPerson(deps, ctx.record, loaded.patient, readAccessNeeds(loaded.patient), {
        recipient: { reference: `Patient/${loaded.patient.id}` },
        template: 'reply',
        personalisation: { name: loaded.view.appointment.personName, service: organisation.name, reply: text },
        about: [{ reference: `Appointment/${id}` }],
        sender: { reference: `Organization/${loaded.workplace.current.id}` },
        reference: `cancelled:${id}`,
      });
      return reply.redirect(linkTo('/app/staff/appointments', orgParam(loaded.workplace), { date: londonDate(String(loaded.appointment.start)), done: 'cancelled' }), 303);
    });

    app.get('/app/staff/appointments/:id/rebook', { schema: { params: requestParams } }, async (request, reply) => {
      const ctx = deps.contextOf(request);
      const raw = queryOf(request);
      const loaded = await loadAppointment(ctx, (request.params as { id: string }).id, raw.org, {});
      const view = await rebookView(ctx, loaded, raw, Date.now());
      return deps.send(reply, 200, deps.render(request, { title: rebookTitle(view), main: renderRebookPage(view) }));
    });

    app.post('/app/staff/appointments/:id/rebook', { schema: { params: requestParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const now = Date.now();
      const fields = formOf(request);
      const id = (request.params as { id: string }).id;
      const raw = { modality: fieldText(fields, 'modality'), from: fieldText(fields, 'from') };
      const slotId = fieldText(fields, 'slot');
      const again = async (status: number, message: string) => {
        const loaded = await loadAppointment(ctx, id, fieldText(fields, 'org'), {}, [{ field: 'slot', message }]);
        const view = await rebookView(ctx, loaded, raw, now);
        return deps.send(reply, status, deps.render(request, { title: rebookTitle(view), main: renderRebookPage(view), errors: view.errors ?? [] }));
      };
      if (slotId === '') return again(400, 'Choose the new time');
      const loaded = await loadAppointment(ctx, id, fieldText(fields, 'org'), {});
      const preferred = loaded.view.appointment.preferred;
      const requestTaskId = idOf((loaded.appointment.supportingInformation as { reference?: string }[] | undefined)?.find((r) => r.reference?.startsWith('Task/'))?.reference, 'Task');
      let booked: StoredResource;
      try {
        ({ booked } = await rebookAppointment(ctx.record, deps.ledger, {
          appointmentId: id,
          slotId,
          ...(preferred !== undefined ? { preferredModality: preferred } : {}),
          ...(requestTaskId !== undefined ? { requestTaskId } : {}),
          bookedBy: { reference: loaded.workplace.practitioner, display: ctx.viewer.displayName },
          accessNeeds: readAccessNeeds(loaded.patient),
          now,
        }));
      } catch (error) {
        const problem = refusal(error);
        if (problem === undefined) throw error;
        return again(409, problem);
      }
      const details = await appointmentDetails(ctx.record, booked);
      const videoLink = await deps.video.linkForMessage(booked, request);
      await contactPerson(deps, ctx.record, loaded.patient, readAccessNeeds(loaded.patient), appointmentMessage(booked, 'appointment-confirmation', { ...details, ...(videoLink !== undefined ? { videoLink } : {}), reference: `confirmation:${booked.id}` }));
      return reply.redirect(linkTo('/app/staff/appointments', orgParam(loaded.workplace), { date: londonDate(String(booked.start)), done: 'rebooked' }), 303);
    });
  };
}
