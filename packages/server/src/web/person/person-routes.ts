/**
 * The person's front door (and their carer's): ask for help, follow a request, see and answer
 * appointment offers, cancel an appointment, read messages, and say once how they need to be
 * contacted (their access needs). A carer sees the same pages for the person they care for, as
 * far as that person's consent allows (the access policy decides; a refusal is a page that says so).
 * Every read and write goes through the signed-in person's access-checked, audited record.
 */
import {
  MODALITY_WORDS,
  RequestRoute,
  cancelAppointment,
  listAppointmentsForPatient,
  listRequestsForPatient,
  londonDate,
  londonTime,
  modalityOf,
  nameOf,
  parseAccessNeedsForm,
  readAccessNeeds,
  requestReference,
  requestStatusForPerson,
  saveAccessNeeds,
  takeUpOffer,
  APPOINTMENT_OFFER_CODE,
  TASK_CODE_SYSTEM,
} from '@kindred/care';
import { FhirError, isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, confirmation, form, radios, summaryList, table, textInput, type FieldErrors } from '../components.ts';
import { renderAccessNeedsFields } from '../shared/access-needs-form.ts';
import { readingsRoutes } from './readings-routes.ts';
import { appointmentTag, stageTag } from '../shared/request-words.ts';
import { createRequestJourney, type RequestSubject } from '../shared/request-journey.ts';
import { fieldText, formOf, textOf, type WebContext, type WebDeps } from '../web-context.ts';
import { videoJoinPanel, videoPersonJoinRoute } from '../video/video-person-join.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** The person's name in the pages' sentences. */
const personName = (patient: StoredResource): string => nameOf(patient) ?? 'the person';

/** Who the pages are about: the person themself, or the person a carer cares for. */
async function subjectOf(ctx: WebContext): Promise<{ patient: StoredResource; self: boolean; by: { reference: string } }> {
  const { principal, record } = ctx;
  if (principal.kind === 'patient') return { patient: await record.read('Patient', principal.patient), self: true, by: { reference: `Patient/${principal.patient}` } };
  if (principal.kind === 'carer') {
    const refused = (): FhirError =>
      new FhirError('ACCESS_DENIED', 'You cannot act for this person in Kindred: they have not given consent, or their consent has ended. Ask them, or their GP practice, to record it.');
    const carer = await record.read('RelatedPerson', principal.relatedPerson).catch((error: unknown) => {
      throw isFhirError(error) && (error.status === 404 || error.status === 403) ? refused() : error;
    });
    const reference = (carer.patient as { reference?: string } | undefined)?.reference ?? '';
    const id = reference.startsWith('Patient/') ? reference.slice('Patient/'.length) : '';
    if (!ID.test(id)) throw new FhirError('NOT_FOUND', 'Your carer record does not name the person you care for.');
    const patient = await record.read('Patient', id).catch((error: unknown) => {
      throw isFhirError(error) && (error.status === 404 || error.status === 403) ? refused() : error;
    });
    return { patient, self: false, by: { reference: `RelatedPerson/${principal.relatedPerson}` } };
  }
  throw new FhirError('ACCESS_DENIED', 'These pages are for people and their carers.');
}

/** The person's GP practice: the request goes there. */
async function practiceOf(ctx: WebContext, patient: StoredResource): Promise<{ id: string; name: string }> {
  const reference = ((patient.generalPractitioner as { reference?: string }[] | undefined) ?? []).map((r) => r.reference ?? '').find((r) => r.startsWith('Organization/'));
  if (reference === undefined) throw new FhirError('UNPROCESSABLE', 'No GP practice is recorded for you, so a request cannot be sent online. Call your practice.');
  const id = reference.slice('Organization/'.length);
  const organisation = await ctx.record.read('Organization', id);
  return { id, name: typeof organisation.name === 'string' ? organisation.name : 'your GP practice' };
}

export function personRoutes(deps: WebDeps) {
  return async function personPages(app: FastifyInstance): Promise<void> {
    const render = (request: FastifyRequest, title: string, main: SafeHtml, errors?: FieldErrors) => deps.render(request, { title, main, ...(errors ? { errors } : {}) });

    const journey = createRequestJourney(deps, {
      base: '/app/person/requests/new',
      done: '/app/person/requests',
      subjectFields: () => ({}),
    });
    const requestSubject = async (request: FastifyRequest): Promise<RequestSubject> => {
      const ctx = deps.contextOf(request);
      const { patient, self, by } = await subjectOf(ctx);
      const practice = await practiceOf(ctx, patient);
      return {
        patient,
        organisationId: practice.id,
        organisationName: practice.name,
        submittedBy: by,
        route: self ? RequestRoute.onlineSelf : RequestRoute.onlineAssisted,
        ...(self ? {} : { onBehalfReason: 'Carer with consent' }),
        personWord: self ? 'you' : personName(patient),
      };
    };

    app.get('/app/person', async (request, reply) => {
      const ctx = deps.contextOf(request);
      const { patient, self } = await subjectOf(ctx);
      const [requests, appointments, offers] = await Promise.all([
        listRequestsForPatient(ctx.record, patient.id),
        listAppointmentsForPatient(ctx.record, patient.id, { from: new Date().toISOString(), count: 5 }),
        openOffers(ctx, patient.id),
      ]);
      const name = personName(patient);
      const main = html`<h1>${self ? `Hello ${name}` : `You are helping ${name}`}</h1>
      <p><a class="nhsuk-button" href="/app/person/requests/new" draggable="false">Ask for help</a></p>
      ${offers.length > 0 ? html`<div class="nhsuk-inset-text"><p>You have been offered appointment times. <a href="/app/person/appointments">Choose a time</a>.</p></div>` : html``}
      <h2>Requests</h2>
      ${requests.length === 0
        ? html`<p>${self ? 'You have' : `${name} has`} not sent any requests.</p>`
        : table(
            'Requests',
            ['Sent', 'Request', 'Status', 'What happens next'],
            requests.slice(0, 10).map(({ task, status }) => [
              londonDate(textOf(task.authoredOn, task.meta.lastUpdated)),
              html`<a href="/app/person/requests/${task.id}">${textOf(task.description, 'Request')}</a>`,
              stageTag(status.stage),
              status.whatNext,
            ]),
            { captionHidden: true },
          )}
      <h2>Coming appointments</h2>
      ${appointments.length === 0 ? html`<p>No appointments booked.</p>` : appointmentTable(appointments)}
      <p><a href="/app/person/appointments">All appointments</a> · <a href="/app/person/messages">Messages</a> · <a href="/app/person/needs">How we contact ${self ? 'you' : name}</a></p>`;
      return deps.send(reply, 200, render(request, self ? 'Your health and care' : `Helping ${name}`, main));
    });

    app.get('/app/person/requests/new', async (request, reply) => journey.start(request, reply, await requestSubject(request)));
    app.post('/app/person/requests/new', async (request, reply) => journey.next(request, reply, await requestSubject(request)));

    app.get<{ Params: { id: string }; Querystring: { sent?: string } }>('/app/person/requests/:id', async (request, reply) => {
      const ctx = deps.contextOf(request);
      if (!ID.test(request.params.id)) throw new FhirError('NOT_FOUND', 'There is no such request.');
      const task = await ctx.record.read('Task', request.params.id);
      const status = requestStatusForPerson(task);
      const reference = requestReference(task);
      const sent = request.query.sent === '1';
      const main = html`${sent ? confirmation('Request sent', html`Your reference is<br><strong>${reference}</strong>`) : html`<h1>Request ${reference}</h1>`}
      ${summaryList([
        { key: 'Status', value: stageTag(status.stage) },
        { key: 'What happens next', value: status.whatNext },
        { key: 'Sent', value: `${londonDate(textOf(task.authoredOn, task.meta.lastUpdated))} at ${londonTime(textOf(task.authoredOn, task.meta.lastUpdated))}` },
        { key: 'Request', value: textOf(task.description) },
      ])}
      <p>If you feel worse while you wait, call 111, or 999 in an emergency.</p>
      <p><a href="/app/person">Back to the start</a></p>`;
      return deps.send(reply, 200, render(request, sent ? 'Request sent' : `Request ${reference}`, main));
    });

    app.get('/app/person/appointments', async (request, reply) => {
      const ctx = deps.contextOf(request);
      const { patient } = await subjectOf(ctx);
      return deps.send(reply, 200, render(request, 'Appointments', await appointmentsMain(ctx, patient, {})));
    });

    const appointmentsMain = async (ctx: WebContext, patient: StoredResource, state: { errors?: FieldErrors; offerId?: string }): Promise<SafeHtml> => {
      const [appointments, offers] = await Promise.all([listAppointmentsForPatient(ctx.record, patient.id, { count: 50 }), openOffers(ctx, patient.id)]);
      const upcoming = appointments.filter((a) => a.status === 'booked' && Date.parse(String(a.start)) > Date.now());
      const offerForms = await Promise.all(
        offers.map(async (offer) => {
          const slotIds = ((offer.input as { valueReference?: { reference?: string } }[] | undefined) ?? []).map((i) => i.valueReference?.reference?.replace('Slot/', '') ?? '').filter((id) => ID.test(id));
          const slots = (await Promise.all(slotIds.map((id) => ctx.record.read('Slot', id).catch(() => undefined)))).filter((s): s is StoredResource => s !== undefined && s.status === 'free');
          return form(`/app/person/offers/${offer.id}`, ctx.viewer.csrf, [
            radios({
              name: 'slotId',
              legend: 'Choose a time',
              items: slots.map((s) => ({ value: s.id, text: `${londonDate(String(s.start))} at ${londonTime(String(s.start))}`, hint: MODALITY_WORDS[modalityOf(s) ?? 'phone'] })),
              ...(state.offerId === offer.id && state.errors ? { errors: state.errors } : {}),
            }),
            button('Book this time'),
          ]);
        }),
      );
      return html`<h1>Appointments</h1>
      ${videoJoinPanel(appointments, ctx.viewer.csrf, Date.now())}
      ${offers.length > 0 ? html`<h2>Times offered to you</h2>${offerForms}` : html``}
      <h2>Coming appointments</h2>
      ${upcoming.length === 0 ? html`<p>No appointments booked.</p>` : appointmentTable(upcoming, ctx.viewer.csrf)}
      <h2>Past and cancelled</h2>
      ${appointments.filter((a) => !upcoming.includes(a)).length === 0 ? html`<p>None.</p>` : appointmentTable(appointments.filter((a) => !upcoming.includes(a)))}`;
    };

    await app.register(videoPersonJoinRoute(deps));

    app.post<{ Params: { id: string } }>('/app/person/offers/:id', async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const { patient, by } = await subjectOf(ctx);
      const slotId = fieldText(formOf(request), 'slotId');
      if (!ID.test(request.params.id)) throw new FhirError('NOT_FOUND', 'There is no such offer.');
      if (!ID.test(slotId)) {
        return deps.send(reply, 400, render(request, 'Appointments', await appointmentsMain(ctx, patient, { errors: [{ field: 'slotId', message: 'Choose a time' }], offerId: request.params.id }), [{ field: 'slotId', message: 'Choose a time' }]));
      }
      try {
        await takeUpOffer(ctx.record, deps.ledger, { taskId: request.params.id, slotId, patientId: patient.id, by });
      } catch (error) {
        if (isFhirError(error) && error.status < 500 && error.status !== 403) {
          const errors = [{ field: 'slotId', message: error.message }];
          return deps.send(reply, 409, render(request, 'Appointments', await appointmentsMain(ctx, patient, { errors, offerId: request.params.id }), errors));
        }
        throw error;
      }
      return reply.redirect('/app/person/appointments', 303);
    });

    app.post<{ Params: { id: string } }>('/app/person/appointments/:id/cancel', async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const { patient, by } = await subjectOf(ctx);
      if (!ID.test(request.params.id)) throw new FhirError('NOT_FOUND', 'There is no such appointment.');
      const reason = fieldText(formOf(request), 'reason').trim();
      if (reason === '' || reason.length > 200) {
        const errors = [{ field: `reason-${request.params.id}`, message: reason === '' ? 'Say why you need to cancel, so the practice can help' : 'The reason must be 200 characters or fewer' }];
        return deps.send(reply, 400, render(request, 'Appointments', await appointmentsMain(ctx, patient, { errors }), errors));
      }
      await cancelAppointment(ctx.record, deps.ledger, request.params.id, reason, by);
      return reply.redirect('/app/person/appointments', 303);
    });

    await app.register(readingsRoutes(deps));

    app.get('/app/person/messages', async (request, reply) => {
      const ctx = deps.contextOf(request);
      const { patient } = await subjectOf(ctx);
      const { matches } = await ctx.record.search(parseSearchRequest('Communication', [['subject', `Patient/${patient.id}`], ['_sort', '-_lastUpdated'], ['_count', '25']], { handling: 'strict' }));
      const sent = matches.filter((c) => c.status === 'completed' || c.status === 'in-progress');
      const main = html`<h1>Messages</h1>
      ${sent.length === 0
        ? html`<p>No messages yet.</p>`
        : sent.map((c) => {
            const text = ((c.payload as { contentString?: string }[] | undefined) ?? []).map((p) => p.contentString ?? '').join('\n\n');
            const medium = (c.medium as { text?: string }[] | undefined)?.[0]?.text ?? 'message';
            return html`<div class="nhsuk-card"><div class="nhsuk-card__content">
              <p class="nhsuk-body-s">${londonDate(textOf(c.sent, c.meta.lastUpdated))} at ${londonTime(textOf(c.sent, c.meta.lastUpdated))}, by ${medium}</p>
              ${text.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}
            </div></div>`;
          })}`;
      return deps.send(reply, 200, render(request, 'Messages', main));
    });

    const needsPage = async (request: FastifyRequest, patient: StoredResource, self: boolean, errors: FieldErrors, typed?: Record<string, string | readonly string[]>) => {
      const ctx = deps.contextOf(request);
      const name = personName(patient);
      const needs = readAccessNeeds(patient);
      return render(
        request,
        self ? 'How we contact you' : `How we contact ${name}`,
        html`<h1>${self ? 'How we contact you' : `How we contact ${name}`}</h1>
        <p>Tell us once and every service in Kindred will use it: how to reach ${self ? 'you' : name}, and what help ${self ? 'you need' : 'they need'} to use our services.</p>
        ${form('/app/person/needs', ctx.viewer.csrf, [html`<input type="hidden" name="version" value="${patient.meta.versionId}">`, renderAccessNeedsFields(needs, errors, { voice: 'person', ...(typed !== undefined ? { typed } : {}) }), button('Save')])}`,
        errors,
      );
    };

    app.get('/app/person/needs', async (request, reply) => {
      const ctx = deps.contextOf(request);
      const { patient, self } = await subjectOf(ctx);
      return deps.send(reply, 200, await needsPage(request, patient, self, []));
    });

    app.post('/app/person/needs', async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const { patient, self } = await subjectOf(ctx);
      const fields = formOf(request);
      const parsed = parseAccessNeedsForm(fields);
      if ('errors' in parsed) return deps.send(reply, 400, await needsPage(request, patient, self, parsed.errors, fields));
      try {
        await saveAccessNeeds(ctx.record, patient.id, parsed.needs, { seenVersion: fieldText(fields, 'version') });
      } catch (error) {
        if (isFhirError(error) && error.errorName === 'PRECONDITION_FAILED') {
          const fresh = await ctx.record.read('Patient', patient.id);
          return deps.send(reply, 409, await needsPage(request, fresh, self, [{ field: 'preferredChannels', message: 'Someone else changed these details while you were editing. Check what you typed and save again' }], fields));
        }
        throw error;
      }
      return reply.redirect('/app/person?saved=needs', 303);
    });
  };
}

async function openOffers(ctx: WebContext, patientId: string): Promise<StoredResource[]> {
  const { matches } = await ctx.record.search(
    parseSearchRequest('Task', [['patient', `Patient/${patientId}`], ['code', `${TASK_CODE_SYSTEM}|${APPOINTMENT_OFFER_CODE}`], ['status', 'requested'], ['_count', '10']], { handling: 'strict' }),
  );
  return matches;
}

function appointmentTable(appointments: readonly StoredResource[], csrf?: string): SafeHtml {
  return table(
    'Appointments',
    csrf !== undefined ? ['When', 'How', 'Status', 'Cancel'] : ['When', 'How', 'Status'],
    appointments.map((a) => {
      const cells: (SafeHtml | string)[] = [
        `${londonDate(String(a.start))} at ${londonTime(String(a.start))}`,
        MODALITY_WORDS[modalityOf(a) ?? 'phone'] ?? '',
        appointmentTag(a.status),
      ];
      if (csrf !== undefined) {
        cells.push(
          form(`/app/person/appointments/${a.id}/cancel`, csrf, [
            textInput({ id: `reason-${a.id}`, name: 'reason', label: 'Why do you need to cancel?', width: 20 }),
            button('Cancel appointment', { secondary: true }),
          ]),
        );
      }
      return cells;
    }),
    { captionHidden: true },
  );
}
