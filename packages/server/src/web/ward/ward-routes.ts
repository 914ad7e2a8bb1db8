/**
 * The virtual ward's staff pages (decision 0016): the dashboard (GET /app/staff/ward), one
 * person's monitoring page (GET /app/staff/ward/people/:patientId) with readings taken on the phone,
 * "I have called them" on an alert and discharge (each a POST that redirects, with its CSRF token),
 * and enrolment from the person's record (GET and POST /app/staff/people/:id/virtual-ward).
 *
 * Every read and write goes through the signed-in person's access-checked, audited record and the
 * monitoring service, the wards too (their CareTeams list the organisation that runs them as a
 * participant, so its staff may read them); only the ward's alert and the person's message go
 * through Kindred's monitoring system context (hooks/monitoring-system.ts). A form that cannot be saved comes back with status
 * 400, errors beside the fields and what was typed. Nothing here builds SQL.
 */
import {
  activeMonitoringPlan,
  dischargeFromVirtualWard,
  enrolInVirtualWard,
  findVirtualWards,
  monitoringPlanOf,
  openAlertTasks,
  nameOf,
  RagColour,
  recordReadings,
  ReadingSource,
  TASK_CODE_SYSTEM,
  VIRTUAL_WARD_ALERT,
  wardDashboard,
  type Measure,
  type MonitoringPlan,
  type VirtualWard,
} from '@kindred/care';
import { FhirError, isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { monitoringDepsFor } from '../../hooks/monitoring-system.ts';
import type { SafeHtml } from '../../pages/html.ts';
import type { FieldError } from '../components.ts';
import { logicalIdOf, staffContextOf } from '../staff/people-staff.ts';
import { idOf, linkTo, referenceOf } from '../staff/staff-format.ts';
import { orgParam, staffWorkplace, type StaffWorkplace } from '../staff/staff-organisation.ts';
import { fieldText, formOf, type FormFields, type WebContext, type WebDeps } from '../web-context.ts';
import { parseReadingsForm } from './readings-form.ts';
import type { ChartBands } from './ward-chart.ts';
import { renderWardDashboard } from './ward-dashboard-page.ts';
import { parseEnrolForm, renderEnrolPage } from './ward-enrol-page.ts';
import { renderWardPersonPage, WardPersonDone } from './ward-person-page.ts';
import { readingSets } from './ward-readings.ts';

const ID = { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,64}$' } as const;
const personParams = { type: 'object', required: ['patientId'], properties: { patientId: ID } } as const;
const alertParams = { type: 'object', required: ['patientId', 'taskId'], properties: { patientId: ID, taskId: ID } } as const;
const enrolParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 200 } } } as const;
const wardQuery = { type: 'object', properties: { ward: { type: 'string', maxLength: 64 }, org: { type: 'string', maxLength: 64 }, done: { type: 'string', maxLength: 20 } } } as const;

const DAY = 86_400_000;
const TABLE_DAYS = 28;

interface Page {
  title: string;
  main: SafeHtml;
  errors?: readonly FieldError[];
}

/** The wards of every organisation the member of staff works for that they may read (their organisation takes part in them). */
async function wardsOf(ctx: WebContext, workplace: StaffWorkplace): Promise<VirtualWard[]> {
  const lists = await Promise.all(workplace.all.map((o) => findVirtualWards(ctx.record, o.id)));
  const seen = new Set<string>();
  return lists.flat().filter((w) => (seen.has(w.id) ? false : (seen.add(w.id), true)));
}

const queryText = (request: FastifyRequest, name: string): string | undefined => {
  const value = (request.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

async function wardName(ctx: WebContext, wardId: string): Promise<string> {
  try {
    const team = await ctx.record.read('CareTeam', wardId);
    return typeof team.name === 'string' ? team.name : 'the virtual ward';
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return 'the virtual ward';
    throw error;
  }
}

async function planOrNotFound(ctx: WebContext, patientId: string): Promise<MonitoringPlan> {
  const plan = await activeMonitoringPlan(ctx.record, patientId);
  if (plan === undefined) throw new FhirError('NOT_FOUND', 'This person is not on a virtual ward. To enrol them, open their record and choose "Enrol in a virtual ward".');
  return plan;
}

export function wardRoutes(deps: WebDeps) {
  return async function wardPages(app: FastifyInstance): Promise<void> {
    const monitoring = monitoringDepsFor(app, deps.settings.store, deps.channels);
    const show = (request: FastifyRequest, reply: FastifyReply, status: number, page: Page): FastifyReply =>
      deps.send(reply, status, deps.render(request, { title: page.title, main: page.main, ...(page.errors !== undefined && page.errors.length > 0 ? { errors: page.errors } : {}) }));

    app.get('/app/staff/ward', { schema: { querystring: wardQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const workplace = await staffWorkplace(ctx.principal, ctx.record, queryText(request, 'org'));
      const org = orgParam(workplace);
      const wards = await wardsOf(ctx, workplace);
      const chosen = wards.find((w) => w.id === queryText(request, 'ward')) ?? wards[0];
      if (chosen === undefined) {
        throw new FhirError('NOT_FOUND', `${workplace.current.name} does not run a virtual ward in Kindred, or you are not one of its staff.`);
      }
      const now = Date.now();
      const dashboard = await wardDashboard(ctx.record, chosen.id, now);
      // the limits shade the charts, and only red and amber people are charted on the dashboard
      const planIds = dashboard.rows.filter((r) => r.colour !== RagColour.green).map((r) => r.carePlanId);
      const plans = planIds.length === 0 ? [] : (await ctx.record.search(parseSearchRequest('CarePlan', [['_id', planIds.join(',')], ['_count', String(planIds.length)]], { handling: 'strict' }))).matches;
      const byPlan = new Map(plans.map((p) => [p.id, Object.fromEntries(monitoringPlanOf(p).measures.map((m) => [m.measure, m.thresholds])) as Partial<Record<Measure, ChartBands>>]));
      const bands = new Map<string, Partial<Record<Measure, ChartBands>>>(dashboard.rows.map((r) => [r.patientId, byPlan.get(r.carePlanId) ?? {}]));
      const page = renderWardDashboard({ dashboard, wards, now, bands, ...(org !== undefined ? { org } : {}), linkOf: (path) => linkTo(path, org) });
      return show(request, reply, 200, page);
    });

    const personPage = async (request: FastifyRequest, patientId: string, state: { done?: WardPersonDone; typed?: FormFields; errors?: readonly FieldError[] }): Promise<Page> => {
      const ctx = staffContextOf(deps, request);
      const workplace = await staffWorkplace(ctx.principal, ctx.record, queryText(request, 'org') ?? (fieldText(formOf(request), 'org') || undefined));
      const org = orgParam(workplace);
      const now = Date.now();
      const patient = await ctx.record.read('Patient', patientId);
      const plan = await planOrNotFound(ctx, patientId);
      const since = new Date(Math.max(Date.parse(plan.start) || 0, now - TABLE_DAYS * DAY) - DAY).toISOString();
      const [sets, alerts, ward] = await Promise.all([readingSets(ctx.record, patientId, plan, { since }), openAlertTasks(ctx.record, patientId), wardName(ctx, plan.wardId)]);
      return renderWardPersonPage({
        patientId,
        name: nameOf(patient) ?? 'Name not recorded',
        plan,
        wardName: ward,
        sets,
        alerts,
        csrf: ctx.viewer.csrf,
        now,
        linkOf: (path) => linkTo(path, org),
        ...state,
      });
    };

    app.get('/app/staff/ward/people/:patientId', { schema: { params: personParams, querystring: wardQuery } }, async (request, reply) => {
      const { patientId } = request.params as { patientId: string };
      const done = Object.values(WardPersonDone).find((d) => d === queryText(request, 'done'));
      return show(request, reply, 200, await personPage(request, patientId, done !== undefined ? { done } : {}));
    });

    app.post('/app/staff/ward/people/:patientId/readings', { schema: { params: personParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const { patientId } = request.params as { patientId: string };
      const fields = formOf(request);
      const plan = await planOrNotFound(ctx, patientId);
      const parsed = parseReadingsForm(fields, plan.measures.map((m) => m.measure), 'staff');
      if ('errors' in parsed) return show(request, reply, 400, await personPage(request, patientId, { typed: fields, errors: parsed.errors }));
      const workplace = await staffWorkplace(ctx.principal, ctx.record, queryText(request, 'org'));
      const now = new Date().toISOString();
      await recordReadings(ctx.record, monitoring, {
        patientId,
        takenAt: now,
        receivedAt: now,
        values: parsed.values,
        source: ReadingSource.staffPhone,
        enteredBy: { reference: `PractitionerRole/${workplace.current.roleId}`, display: ctx.viewer.displayName },
      });
      return reply.redirect(linkTo(`/app/staff/ward/people/${encodeURIComponent(patientId)}`, orgParam(workplace), { done: WardPersonDone.readings }), 303);
    });

    app.post('/app/staff/ward/people/:patientId/alerts/:taskId/called', { schema: { params: alertParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const { patientId, taskId } = request.params as { patientId: string; taskId: string };
      const task = await ctx.record.read('Task', taskId);
      const isAlert = ((task.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? []).some((c) => c.system === TASK_CODE_SYSTEM && c.code === VIRTUAL_WARD_ALERT);
      if (!isAlert || idOf(referenceOf(task.for), 'Patient') !== patientId) throw new FhirError('NOT_FOUND', 'There is no such alert for this person.');
      const workplace = await staffWorkplace(ctx.principal, ctx.record, queryText(request, 'org'));
      const next = linkTo(`/app/staff/ward/people/${encodeURIComponent(patientId)}`, orgParam(workplace), { done: WardPersonDone.called });
      // already closed (by a colleague a moment ago): nothing to do, and no second note
      if (task.status === 'completed' || task.status === 'cancelled') return reply.redirect(next, 303);
      const now = new Date().toISOString();
      const said = fieldText(formOf(request), 'note').trim().slice(0, 2000);
      // Annotation.authorReference names a Practitioner, not their role (FHIR R4 datatypes, Annotation)
      const by = { reference: workplace.practitioner, display: ctx.viewer.displayName };
      const notes = Array.isArray(task.note) ? (task.note as object[]) : [];
      const { meta: _meta, ...rest } = task;
      await ctx.record.update(
        {
          ...rest,
          status: 'completed',
          note: [...notes, { authorReference: by, time: now, text: `Called by ${ctx.viewer.displayName}${said !== '' ? `: ${said}` : '.'}` }],
          executionPeriod: { ...((task.executionPeriod) ?? {}), end: now },
          lastModified: now,
        },
        { ifMatchVersion: task.meta.versionId },
      );
      return reply.redirect(next, 303);
    });

    app.post('/app/staff/ward/people/:patientId/discharge', { schema: { params: personParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const { patientId } = request.params as { patientId: string };
      const plan = await planOrNotFound(ctx, patientId);
      const workplace = await staffWorkplace(ctx.principal, ctx.record, queryText(request, 'org'));
      const reason = fieldText(formOf(request), 'reason').trim().slice(0, 1000);
      await dischargeFromVirtualWard(ctx.record, {
        patientId,
        wardId: plan.wardId,
        dischargedBy: { reference: `PractitionerRole/${workplace.current.roleId}`, display: ctx.viewer.displayName },
        now: Date.now(),
        ...(reason !== '' ? { reason } : {}),
      });
      return reply.redirect(linkTo('/app/staff/ward', orgParam(workplace), { ward: plan.wardId }), 303);
    });

    const enrolPage = async (request: FastifyRequest, id: string, state: { typed?: FormFields; errors?: readonly FieldError[] }): Promise<{ page: Page; wards: VirtualWard[]; patient: StoredResource }> => {
      const ctx = staffContextOf(deps, request);
      const workplace = await staffWorkplace(ctx.principal, ctx.record, queryText(request, 'org'));
      const [patient, wards] = await Promise.all([ctx.record.read('Patient', id), wardsOf(ctx, workplace)]);
      const page = renderEnrolPage({ patientId: id, name: nameOf(patient) ?? 'this person', wards, csrf: ctx.viewer.csrf, ...state });
      return { page, wards, patient };
    };

    app.get('/app/staff/people/:id/virtual-ward', { schema: { params: enrolParams } }, async (request, reply) => {
      const id = logicalIdOf((request.params as { id: string }).id);
      if (id === undefined) throw new FhirError('NOT_FOUND', 'There is no such person.');
      const ctx = staffContextOf(deps, request);
      const plan = await activeMonitoringPlan(ctx.record, id);
      if (plan !== undefined) return reply.redirect(`/app/staff/ward/people/${encodeURIComponent(id)}`, 303);
      return show(request, reply, 200, (await enrolPage(request, id, {})).page);
    });

    app.post('/app/staff/people/:id/virtual-ward', { schema: { params: enrolParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const id = logicalIdOf((request.params as { id: string }).id);
      if (id === undefined) throw new FhirError('NOT_FOUND', 'There is no such person.');
      const ctx = staffContextOf(deps, request);
      const fields = formOf(request);
      const { wards } = await enrolPage(request, id, {});
      const parsed = parseEnrolForm(fields, wards.map((w) => w.id));
      if ('errors' in parsed) return show(request, reply, 400, (await enrolPage(request, id, { typed: fields, errors: parsed.errors })).page);
      const workplace = await staffWorkplace(ctx.principal, ctx.record, queryText(request, 'org'));
      try {
        await enrolInVirtualWard(
          ctx.record,
          {
          patientId: id,
          wardId: parsed.choices.wardId,
          measures: parsed.choices.measures,
          spo2Scale: parsed.choices.spo2Scale,
          homeOxygen: parsed.choices.homeOxygen,
          enrolledBy: { reference: `PractitionerRole/${workplace.current.roleId}`, display: ctx.viewer.displayName },
          now: Date.now(),
          ...(parsed.choices.reason !== undefined ? { reason: parsed.choices.reason } : {}),
          },
        );
      } catch (error) {
        if (!isFhirError(error) || !['CONFLICT', 'UNPROCESSABLE', 'INVALID_REQUEST'].includes(error.errorName)) throw error;
        return show(request, reply, error.status, (await enrolPage(request, id, { typed: fields, errors: [{ field: 'ward', message: error.message }] })).page);
      }
      return reply.redirect(linkTo(`/app/staff/ward/people/${encodeURIComponent(id)}`, orgParam(workplace), { done: WardPersonDone.enrolled }), 303);
    });
  };
}
