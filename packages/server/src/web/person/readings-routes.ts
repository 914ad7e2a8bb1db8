/**
 * GET/POST /app/person/readings and GET /app/person/readings/sent: the person sends a set of
 * readings by the web form (decision 0016, method `web`), then sees their colour and what to do
 * now. A carer may send them for the person only when the access policy lets carers write
 * Observations under a consent; otherwise the page says who can.
 *
 * The readings go through the signed-in person's access-checked, audited record and the
 * monitoring service; the ward's alert and the message go through Kindred's monitoring system
 * context. The ward's name and phone number are read with that context too (a person may not
 * read the ward's CareTeam, which is not about them).
 */
import { DEFAULT_RESPONSE_MINUTES, activeMonitoringPlan, nameOf, readVirtualWard, RagColour, recordReadings, ReadingSource, type MonitoringDeps } from '@kindred/care';
import { FhirError, isFhirError, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { monitoringDepsFor } from '../../hooks/monitoring-system.ts';
import { parseReadingsForm } from '../ward/readings-form.ts';
import { formOf, type WebContext, type WebDeps } from '../web-context.ts';
import { renderCarerCannotSend, renderNoPlan, renderReadingsForm, renderReadingsResult, type Page, type ReadingsWard } from './readings-page.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const sentQuery = { type: 'object', properties: { colour: { type: 'string', enum: Object.values(RagColour) }, duplicate: { type: 'string', maxLength: 1 } } } as const;

interface Subject {
  patient: StoredResource;
  self: boolean;
  by: { reference: string };
}

async function subjectOf(ctx: WebContext): Promise<Subject> {
  const { principal, record } = ctx;
  if (principal.kind === 'patient') return { patient: await record.read('Patient', principal.patient), self: true, by: { reference: `Patient/${principal.patient}` } };
  if (principal.kind !== 'carer') throw new FhirError('ACCESS_DENIED', 'These pages are for people and their carers.');
  const refused = (): FhirError => new FhirError('ACCESS_DENIED', 'You cannot act for this person in Kindred: they have not given consent, or their consent has ended. Ask them, or their GP practice, to record it.');
  const hidden = (error: unknown): never => {
    throw isFhirError(error) && (error.status === 404 || error.status === 403) ? refused() : error;
  };
  const carer = await record.read('RelatedPerson', principal.relatedPerson).catch(hidden);
  const id = ((carer.patient as { reference?: string } | undefined)?.reference ?? '').replace(/^Patient\//, '');
  if (!ID.test(id)) throw new FhirError('NOT_FOUND', 'Your carer record does not name the person you care for.');
  const patient = await record.read('Patient', id).catch(hidden);
  return { patient, self: false, by: { reference: `RelatedPerson/${principal.relatedPerson}` } };
}

/** The ward's name and phone number, read as Kindred's monitoring (a person may not read the ward's CareTeam). */
const wardOf = (monitoring: MonitoringDeps, wardId: string): Promise<ReadingsWard> => readVirtualWard(monitoring.system, wardId);

export function readingsRoutes(deps: WebDeps) {
  return async function readingsPages(app: FastifyInstance): Promise<void> {
    const monitoring = monitoringDepsFor(app, deps.settings.store, deps.channels);
    // carers may send readings only when the policy lets a carer action write Observations
    const carersMaySend = Object.values(deps.settings.accessPolicy.carerActions).some((a) => a.write.includes('Observation'));
    const show = (request: FastifyRequest, reply: FastifyReply, status: number, page: Page): FastifyReply =>
      deps.send(reply, status, deps.render(request, { title: page.title, main: page.main, ...(page.errors !== undefined && page.errors.length > 0 ? { errors: page.errors } : {}) }));

    const load = async (request: FastifyRequest) => {
      const ctx = deps.contextOf(request);
      const subject = await subjectOf(ctx);
      const plan = await activeMonitoringPlan(ctx.record, subject.patient.id);
      const name = nameOf(subject.patient) ?? 'the person';
      return { ctx, subject, plan, name };
    };

    app.get('/app/person/readings', async (request, reply) => {
      const { ctx, subject, plan, name } = await load(request);
      if (plan === undefined) return show(request, reply, 200, renderNoPlan(subject.self, name));
      const ward = await wardOf(monitoring, plan.wardId);
      if (!subject.self && !carersMaySend) return show(request, reply, 200, renderCarerCannotSend(name, ward));
      return show(request, reply, 200, renderReadingsForm({ self: subject.self, name, measures: plan.measures.map((m) => m.measure), ward, csrf: ctx.viewer.csrf }));
    });

    app.post('/app/person/readings', async (request, reply) => {
      deps.checkCsrf(request);
      const { ctx, subject, plan, name } = await load(request);
      if (plan === undefined) return show(request, reply, 409, renderNoPlan(subject.self, name));
      const ward = await wardOf(monitoring, plan.wardId);
      if (!subject.self && !carersMaySend) return show(request, reply, 403, renderCarerCannotSend(name, ward));
      const fields = formOf(request);
      const measures = plan.measures.map((m) => m.measure);
      const parsed = parseReadingsForm(fields, measures, 'person');
      if ('errors' in parsed) return show(request, reply, 400, renderReadingsForm({ self: subject.self, name, measures, ward, csrf: ctx.viewer.csrf, typed: fields, errors: parsed.errors }));
      const now = new Date().toISOString();
      let recorded;
      try {
        recorded = await recordReadings(ctx.record, monitoring, { patientId: subject.patient.id, takenAt: now, receivedAt: now, values: parsed.values, source: ReadingSource.web, enteredBy: subject.by });
      } catch (error) {
        // a carer whose consent does not cover readings: say who can
        if (!subject.self && isFhirError(error) && error.status === 403) return show(request, reply, 403, renderCarerCannotSend(name, ward));
        throw error;
      }
      return reply.redirect(`/app/person/readings/sent?colour=${recorded.colour}${recorded.duplicate ? '&duplicate=1' : ''}`, 303);
    });

    app.get('/app/person/readings/sent', { schema: { querystring: sentQuery } }, async (request, reply) => {
      const { subject, plan, name } = await load(request);
      if (plan === undefined) return show(request, reply, 200, renderNoPlan(subject.self, name));
      const query = request.query as { colour?: RagColour; duplicate?: string };
      if (query.colour === undefined) return reply.redirect('/app/person/readings', 303);
      const ward = await wardOf(monitoring, plan.wardId);
      return show(
        request,
        reply,
        200,
        renderReadingsResult({ self: subject.self, name, colour: query.colour, ward, duplicate: query.duplicate === '1', responseMinutes: monitoring.responseMinutes ?? DEFAULT_RESPONSE_MINUTES }),
      );
    });
  };
}
