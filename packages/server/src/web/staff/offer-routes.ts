/**
 * GET/POST /app/staff/offers/:taskId: staff record which offered time the person chose when they
 * replied (decision 0013: the `appointment-offer` Task is taken up and completed with the
 * Appointment); the request it answers is then recorded as booked and the person gets the
 * confirmation the way their needs say.
 *
 * Through the signed-in person's record, the slot ledger and the care services only.
 */
import { APPOINTMENT_OFFER_CODE, MODALITY_WORDS, TASK_CODE_SYSTEM, appointmentDetails, appointmentMessage, modalityOf, takeUpOffer } from '@kindred/care';
import { FhirError, isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../components.ts';
import { fieldText, formOf, type WebContext, type WebDeps } from '../web-context.ts';
import { contactPerson } from './contact-person.ts';
import { offerTitle, renderOfferPage, type OfferView } from './offer-page.ts';
import { personSummary, type PersonSummary } from './request-data.ts';
import { recordBooked } from './request-outcomes.ts';
import { idOf, linkTo, londonDate, referenceOf } from './staff-format.ts';
import { orgParam, staffWorkplace, type StaffWorkplace } from './staff-organisation.ts';

const offerParams = { type: 'object', required: ['taskId'], properties: { taskId: { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,64}$' } } } as const;

interface LoadedOffer {
  task: StoredResource;
  patient: StoredResource;
  person: PersonSummary;
  requestId?: string;
  slots: StoredResource[];
  workplace: StaffWorkplace;
}

async function loadOffer(ctx: WebContext, taskId: string, org: string | undefined): Promise<LoadedOffer> {
  const task = await ctx.record.read('Task', taskId);
  const coding = (task.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  if (!coding.some((c) => c.system === TASK_CODE_SYSTEM && c.code === APPOINTMENT_OFFER_CODE)) throw new FhirError('NOT_FOUND', `Task/${taskId} is not an offer of appointment times.`);
  const patientId = idOf(referenceOf(task.for), 'Patient');
  if (patientId === undefined) throw new FhirError('UNPROCESSABLE', `The offer Task/${taskId} does not say who it is for.`);
  const slotIds = (Array.isArray(task.input) ? (task.input as { valueReference?: { reference?: string } }[]) : []).map((i) => idOf(i.valueReference?.reference, 'Slot')).filter((id): id is string => id !== undefined);
  const [patient, slots, workplace] = await Promise.all([
    ctx.record.read('Patient', patientId),
    slotIds.length === 0 ? Promise.resolve([]) : ctx.record.search(parseSearchRequest('Slot', [['_id', slotIds.join(',')], ['_sort', 'start'], ['_count', String(slotIds.length)]], { handling: 'strict' })).then((p) => p.matches),
    staffWorkplace(ctx.principal, ctx.record, org === '' ? undefined : org),
  ]);
  const requestId = idOf((task.partOf as { reference?: string }[] | undefined)?.[0]?.reference, 'Task');
  return { task, patient, person: await personSummary(ctx.record, patient, Date.now()), ...(requestId !== undefined ? { requestId } : {}), slots, workplace };
}

function offerView(ctx: WebContext, loaded: LoadedOffer, chosen: string | undefined, errors: FieldError[] | undefined, now: number): OfferView {
  const org = orgParam(loaded.workplace);
  const open = loaded.slots.filter((s) => Date.parse(String(s.start)) > now);
  return {
    taskId: loaded.task.id,
    ...(org !== undefined ? { org } : {}),
    csrf: ctx.viewer.csrf,
    person: { name: loaded.person.name, firstName: loaded.person.firstName, needsLines: loaded.person.needsLines, ...(loaded.person.carer !== undefined ? { carer: loaded.person.carer } : {}) },
    ...(loaded.requestId !== undefined ? { requestId: loaded.requestId } : {}),
    ...(typeof loaded.task.authoredOn === 'string' ? { offeredOn: loaded.task.authoredOn } : {}),
    answered: loaded.task.status !== 'requested',
    times: open.filter((s) => s.status === 'free').map((s) => {
      const modality = modalityOf(s);
      return { id: s.id, start: String(s.start), ...(typeof s.end === 'string' ? { end: s.end } : {}), ...(modality !== undefined ? { modalityWords: MODALITY_WORDS[modality] } : {}) };
    }),
    taken: open.filter((s) => s.status !== 'free').map((s) => String(s.start)),
    ...(chosen !== undefined && chosen !== '' ? { chosen } : {}),
    ...(errors !== undefined && errors.length > 0 ? { errors } : {}),
  };
}

function sendOffer(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, status: number, view: OfferView): FastifyReply {
  return deps.send(reply, status, deps.render(request, { title: offerTitle(view), main: renderOfferPage(view), ...(view.errors !== undefined ? { errors: view.errors } : {}) }));
}

export function offerRoutes(deps: WebDeps) {
  return async function offerPages(app: FastifyInstance): Promise<void> {
    app.get('/app/staff/offers/:taskId', { schema: { params: offerParams } }, async (request, reply) => {
      const ctx = deps.contextOf(request);
      const org = (request.query as Record<string, unknown>).org;
      const loaded = await loadOffer(ctx, (request.params as { taskId: string }).taskId, typeof org === 'string' ? org : undefined);
      return sendOffer(deps, request, reply, 200, offerView(ctx, loaded, undefined, undefined, Date.now()));
    });

    app.post('/app/staff/offers/:taskId', { schema: { params: offerParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const now = Date.now();
      const fields = formOf(request);
      const loaded = await loadOffer(ctx, (request.params as { taskId: string }).taskId, fieldText(fields, 'org'));
      const slotId = fieldText(fields, 'slot');
      if (slotId === '') return sendOffer(deps, request, reply, 400, offerView(ctx, loaded, undefined, [{ field: 'slot', message: `Choose the time ${loaded.person.firstName} chose` }], now));
      const by = { reference: loaded.workplace.practitioner, display: ctx.viewer.displayName };
      let appointment: StoredResource;
      try {
        appointment = await takeUpOffer(ctx.record, deps.ledger, { taskId: loaded.task.id, slotId, patientId: loaded.patient.id, by, now });
      } catch (error) {
        if (!isFhirError(error) || !['CONFLICT', 'UNPROCESSABLE'].includes(error.errorName)) throw error;
        const fresh = await loadOffer(ctx, loaded.task.id, fieldText(fields, 'org'));
        return sendOffer(deps, request, reply, 409, offerView(ctx, fresh, undefined, [{ field: 'slot', message: error.message }], now));
      }
      if (loaded.requestId !== undefined) {
        const requestTask = await ctx.record.read('Task', loaded.requestId);
        if (requestTask.status !== 'completed') await recordBooked(ctx.record, requestTask, appointment, by, now);
      }
      const details = await appointmentDetails(ctx.record, appointment);
      const videoLink = await deps.video.linkForMessage(appointment, request);
      await contactPerson(deps, ctx.record, loaded.patient, loaded.person.needs, appointmentMessage(appointment, 'appointment-confirmation', { ...details, ...(videoLink !== undefined ? { videoLink } : {}), reference: `confirmation:${appointment.id}` }));
      const org = orgParam(loaded.workplace);
      const next =
        loaded.requestId !== undefined
          ? linkTo(`/app/staff/requests/${encodeURIComponent(loaded.requestId)}/booked/${encodeURIComponent(appointment.id)}`, org)
          : linkTo('/app/staff/appointments', org, { date: londonDate(String(appointment.start)), done: 'booked' });
      return reply.redirect(next, 303);
    });
  };
}
