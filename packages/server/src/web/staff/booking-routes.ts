/**
 * The booking pages of a request (issue 4, "Booking by modality"):
 * - GET  /app/staff/requests/:id/book: how they will be seen (their preference first) and the free times;
 * - POST /app/staff/requests/:id/book: "Book this time" (bookAppointment with the slot ledger, the
 *   request's outcome recorded, then the confirmation through the person's channel) or "Offer these
 *   times" (offerAppointments; the person takes one up online, or staff record their reply);
 * - GET  /app/staff/requests/:id/booked/:appointmentId: the confirmation, with the interpreter.
 *
 * Through the signed-in person's record and the care services only. A time taken by someone else
 * in the meantime shows the page again with a clear error, never a crash.
 */
import {
  MODALITY_WORDS,
  MESSAGE_REFERENCE_SYSTEM,
  appointmentDetails,
  appointmentMessage,
  bookAppointment,
  interpreterParticipants,
  isModality,
  modalityOf,
  offerAppointments,
  type AccessNeeds,
} from '@kindred/care';
import { isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldList, fieldText, formOf, type WebContext, type WebDeps } from '../web-context.ts';
import type { FieldError } from '../components.ts';
import { BookingMode, bookingTitle, renderBookedPage, renderBookingPage, type BookedView, type BookingView } from './booking-page.ts';
import { contactPerson } from './contact-person.ts';
import { DAYS_SHOWN, addDays, freeTimes, preferenceOnAppointment, statedPreference, type StatedPreference, type TimesQuery } from './free-times.ts';
import { loadRequest, type LoadedRequest } from './request-data.ts';
import { recordBooked, recordOffered } from './request-outcomes.ts';
import { idOf, linkTo, londonDate } from './staff-format.ts';
import { orgParam } from './staff-organisation.ts';

const ID = { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,64}$' } as const;
export const requestParams = { type: 'object', required: ['id'], properties: { id: ID } } as const;
const bookedParams = { type: 'object', required: ['id', 'appointmentId'], properties: { id: ID, appointmentId: ID } } as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function queryOf(request: FastifyRequest): Record<string, string> {
  const query = request.query as Record<string, unknown>;
  return Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Who a booking adds for the person's needs ("Polish interpreter"). */
function interpretersFor(needs: AccessNeeds): string[] {
  return interpreterParticipants(needs).map((p) => p.actor?.display ?? 'An interpreter');
}

function timesQuery(raw: Record<string, string>, stated: StatedPreference | undefined, now: number): TimesQuery {
  const today = londonDate(now);
  const preferred = stated?.modality;
  const modality = isModality(raw.modality) ? raw.modality : (preferred ?? 'phone');
  const from = raw.from !== undefined && DATE.test(raw.from) && !Number.isNaN(Date.parse(raw.from)) && raw.from >= today ? raw.from : today;
  return { modality, from };
}

async function bookingView(
  ctx: WebContext,
  loaded: LoadedRequest,
  stated: StatedPreference | undefined,
  query: TimesQuery,
  mode: BookingMode,
  chosen: readonly string[],
  errors: FieldError[] | undefined,
  now: number,
): Promise<BookingView> {
  const slots = await freeTimes(ctx, loaded.organisationId ?? loaded.workplace.current.id, query, now);
  const today = londonDate(now);
  const earlier = addDays(query.from, -DAYS_SHOWN);
  const org = orgParam(loaded.workplace);
  return {
    requestId: loaded.task.id,
    ...(org !== undefined ? { org } : {}),
    csrf: ctx.viewer.csrf,
    person: { name: loaded.person.name, firstName: loaded.person.firstName, needsLines: loaded.person.needsLines, ...(loaded.person.carer !== undefined ? { carer: loaded.person.carer } : {}) },
    ...(stated !== undefined ? { preferred: stated.modality, preferredWhere: stated.where } : {}),
    modality: query.modality,
    mode,
    from: query.from,
    ...(query.from > today ? { earlier: earlier < today ? today : earlier } : {}),
    later: addDays(query.from, DAYS_SHOWN),
    times: slots.map((s) => {
      const modality = modalityOf(s);
      return { id: s.id, start: String(s.start), ...(typeof s.end === 'string' ? { end: s.end } : {}), ...(modality !== undefined && modality !== query.modality ? { modalityWords: MODALITY_WORDS[modality] } : {}) };
    }),
    chosen,
    interpreters: interpretersFor(loaded.person.needs),
    longerAppointment: loaded.person.needs.longerAppointment,
    ...(!loaded.facts.open ? { closedAs: loaded.facts.businessStatus ?? loaded.facts.status } : {}),
    ...(errors !== undefined && errors.length > 0 ? { errors } : {}),
  };
}

function sendBooking(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, status: number, view: BookingView): FastifyReply {
  return deps.send(reply, status, deps.render(request, { title: bookingTitle(view), main: renderBookingPage(view), ...(view.errors !== undefined ? { errors: view.errors } : {}) }));
}

/** A refusal the person can fix by choosing again (the time was taken, or has passed); anything else stays an error. */
function timeProblem(error: unknown): string | undefined {
  if (!isFhirError(error)) return undefined;
  if (error.errorName === 'CONFLICT') return error.message;
  if (error.errorName === 'UNPROCESSABLE' && /time/i.test(error.message)) return error.message;
  return undefined;
}

export function bookingRoutes(deps: WebDeps) {
  return async function bookingPages(app: FastifyInstance): Promise<void> {
    app.get('/app/staff/requests/:id/book', { schema: { params: requestParams } }, async (request, reply) => {
      const ctx = deps.contextOf(request);
      const now = Date.now();
      const raw = queryOf(request);
      const loaded = await loadRequest(ctx, (request.params as { id: string }).id, raw.org, now);
      const stated = await statedPreference(ctx, loaded.person.id, loaded.response);
      const mode = raw.mode === BookingMode.offer ? BookingMode.offer : BookingMode.book;
      return sendBooking(deps, request, reply, 200, await bookingView(ctx, loaded, stated, timesQuery(raw, stated, now), mode, [], undefined, now));
    });

    app.post('/app/staff/requests/:id/book', { schema: { params: requestParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const now = Date.now();
      const fields = formOf(request);
      const loaded = await loadRequest(ctx, (request.params as { id: string }).id, fieldText(fields, 'org') || undefined, now);
      const stated = await statedPreference(ctx, loaded.person.id, loaded.response);
      const mode = fieldText(fields, 'action') === BookingMode.offer ? BookingMode.offer : BookingMode.book;
      const query = timesQuery({ modality: fieldText(fields, 'modality'), from: fieldText(fields, 'from') }, stated, now);
      const chosen = mode === BookingMode.book ? [fieldText(fields, 'slot')].filter((s) => s !== '') : fieldList(fields, 'slots');
      const again = async (status: number, errors: FieldError[]) => sendBooking(deps, request, reply, status, await bookingView(ctx, loaded, stated, query, mode, chosen, errors, now));
      const by = { reference: loaded.workplace.practitioner, display: ctx.viewer.displayName };
      const preferred = stated?.modality;
      const org = orgParam(loaded.workplace);

      if (mode === BookingMode.book) {
        const slotId = chosen[0];
        if (slotId === undefined || chosen.length !== 1) return again(400, [{ field: 'slot', message: 'Choose a time to book' }]);
        let appointment: StoredResource;
        try {
          appointment = await bookAppointment(ctx.record, deps.ledger, {
            patientId: loaded.person.id,
            slotId,
            ...(preferred !== undefined ? { preferredModality: preferred } : {}),
            requestTaskId: loaded.task.id,
            bookedBy: by,
            accessNeeds: loaded.person.needs,
            now,
          });
        } catch (error) {
          const problem = timeProblem(error);
          if (problem === undefined) throw error;
          return again(409, [{ field: 'slot', message: problem }]);
        }
        await recordBooked(ctx.record, loaded.task, appointment, by, now);
        const details = await appointmentDetails(ctx.record, appointment);
        const videoLink = await deps.video.linkForMessage(appointment, request);
        await contactPerson(deps, ctx.record, loaded.patient, loaded.person.needs, appointmentMessage(appointment, 'appointment-confirmation', { ...details, ...(videoLink !== undefined ? { videoLink } : {}), reference: `confirmation:${appointment.id}` }));
        return reply.redirect(linkTo(`/app/staff/requests/${encodeURIComponent(loaded.task.id)}/booked/${encodeURIComponent(appointment.id)}`, org), 303);
      }

      if (chosen.length === 0) return again(400, [{ field: 'slots', message: 'Choose at least one time to offer' }]);
      let offer: StoredResource;
      try {
        offer = await offerAppointments(ctx.record, { patientId: loaded.person.id, slotIds: chosen, requestTaskId: loaded.task.id, offeredBy: by, now });
      } catch (error) {
        const problem = timeProblem(error);
        if (problem === undefined) throw error;
        return again(409, [{ field: 'slots', message: problem }]);
      }
      await recordOffered(deps, ctx, loaded, offer, by, now);
      return reply.redirect(linkTo(`/app/staff/requests/${encodeURIComponent(loaded.task.id)}`, org, { done: 'offered' }), 303);
    });

    app.get('/app/staff/requests/:id/booked/:appointmentId', { schema: { params: bookedParams } }, async (request, reply) => {
      const ctx = deps.contextOf(request);
      const now = Date.now();
      const params = request.params as { id: string; appointmentId: string };
      const loaded = await loadRequest(ctx, params.id, queryOf(request).org, now);
      const appointment = await ctx.record.read('Appointment', params.appointmentId);
      const view = await bookedView(ctx, loaded, appointment);
      return deps.send(reply, 200, deps.render(request, { title: `Appointment booked for ${loaded.person.name}`, main: renderBookedPage(view) }));
    });
  };
}

async function bookedView(ctx: WebContext, loaded: LoadedRequest, appointment: StoredResource): Promise<BookedView> {
  const participants = Array.isArray(appointment.participant) ? (appointment.participant as { type?: { coding?: { code?: string }[] }[]; actor?: { reference?: string; display?: string } }[]) : [];
  const interpreters = participants.filter((p) => p.type?.some((t) => t.coding?.some((c) => c.code === 'INTRP'))).map((p) => p.actor?.display ?? 'An interpreter');
  const others = participants.filter((p) => p.actor?.reference !== undefined && !p.actor.reference.startsWith('Patient/') && !interpreters.includes(p.actor.display ?? ''));
  const withNames = await Promise.all(others.map(async (p) => p.actor?.display ?? (await nameOfActor(ctx, p.actor?.reference))));
  const modality = modalityOf(appointment);
  const preferredCode = preferenceOnAppointment(appointment);
  const messages = await ctx.record.search(parseSearchRequest('Communication', [['identifier', `${MESSAGE_REFERENCE_SYSTEM}|confirmation:${appointment.id}`], ['_count', '1'], ['_sort', '-_lastUpdated']], { handling: 'strict' }));
  const message = messages.matches[0];
  const org = orgParam(loaded.workplace);
  return {
    requestId: loaded.task.id,
    ...(org !== undefined ? { org } : {}),
    personName: loaded.person.name,
    start: String(appointment.start),
    ...(modality !== undefined ? { modalityGiven: MODALITY_WORDS[modality] } : {}),
    ...(preferredCode !== undefined ? { preferred: MODALITY_WORDS[preferredCode] } : {}),
    ...(typeof appointment.minutesDuration === 'number' ? { minutes: appointment.minutesDuration } : {}),
    with: withNames.filter((n): n is string => n !== undefined),
    interpreters,
    message: messageState(message, loaded.person.firstName),
  };
}

async function nameOfActor(ctx: WebContext, reference: string | undefined): Promise<string | undefined> {
  const [type, id] = (reference ?? '').split('/');
  if (type === undefined || id === undefined) return undefined;
  try {
    const resource = await ctx.record.read(type, id);
    if (typeof resource.name === 'string') return resource.name;
    if (type === 'PractitionerRole') {
      const practitioner = idOf((resource.practitioner as { reference?: string; display?: string } | undefined)?.reference, 'Practitioner');
      const display = (resource.practitioner as { display?: string } | undefined)?.display;
      if (display !== undefined) return display;
      if (practitioner !== undefined) {
        const p = await ctx.record.read('Practitioner', practitioner);
        const name = (p.name as { text?: string; given?: string[]; family?: string; prefix?: string[] }[] | undefined)?.[0];
        if (name !== undefined) return name.text ?? [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].join(' ').trim();
      }
    }
    return undefined;
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return undefined;
    throw error;
  }
}

function messageState(message: StoredResource | undefined, firstName: string): BookedView['message'] {
  if (message === undefined) return { state: 'none', words: `No confirmation is recorded. Tell ${firstName} about the appointment yourself.` };
  const reason = (message.statusReason as { text?: string } | undefined)?.text;
  const medium = (message.medium as { text?: string }[] | undefined)?.[0]?.text;
  switch (message.status) {
    case 'completed':
      return { state: 'app', words: `The confirmation is in ${firstName}'s messages in the app.` };
    case 'in-progress':
      return { state: 'sent', words: `The confirmation was sent to ${firstName}${medium !== undefined ? ` by ${medium}` : ''}.` };
    case 'on-hold':
      return { state: 'phone', words: `${firstName} cannot be sent a written confirmation. It is on the staff call list.`, ...(reason !== undefined ? { detail: reason } : {}) };
    default:
      return { state: 'failed', words: `Phone ${firstName} to tell them about the appointment.`, ...(reason !== undefined ? { detail: reason } : {}) };
  }
}

